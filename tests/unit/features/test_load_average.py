"""The load averages (nos/features/system/load.py): FreeBSD's fixed-point averages of the daemons
busy in each 5 s period, sampled on the device clock, and what `w` prints of them."""

from __future__ import annotations

from nos.features.system.load import CEXP, FSCALE, LoadAverage
from nos.runtime.clock import ManualScheduler


def test_freebsd_constants():
    assert FSCALE == 2048 and CEXP == (1884, 2014, 2036)


def test_one_busy_period_is_one_sample_of_one():
    clock = ManualScheduler()
    load = LoadAverage(clock.now, 0.0)
    clock.advance(2)
    load.work("ntpd")
    load.work("ntpd")  # the same daemon twice in a period counts once
    assert load.texts() == ("0.00", "0.00", "0.00")  # no sample yet: the first is at 5 s
    clock.advance(3)
    # (1 * 2048 * (2048 - cexp)) >> 11 = 2048 - cexp: 164, 34, 12 in 1/2048
    assert load.averages() == (164 / 2048, 34 / 2048, 12 / 2048)
    assert load.texts() == ("0.08", "0.02", "0.01")


def test_work_at_a_sample_instant_counts_in_the_next_period():
    clock = ManualScheduler()
    load = LoadAverage(clock.now, 0.0)
    clock.advance(5)
    load.work("rpd")
    assert load.averages() == (0.0, 0.0, 0.0)
    clock.advance(5)
    assert load.averages()[0] == 164 / 2048


def test_two_daemons_busy_every_period_for_an_hour():
    clock = ManualScheduler()
    load = LoadAverage(clock.now, 0.0)
    for _ in range(720):
        load.work("ntpd")
        load.work("rmopd")
        clock.advance(5)
    # The shift truncates: each average settles where one more step would move it by less than
    # 1/2048, short of 2 (4096) by 12, 60 and 170 in 1/2048 - as FreeBSD's own averages do.
    assert [round(x * FSCALE) for x in load.averages()] == [4084, 4036, 3926]
    assert load.texts() == ("1.99", "1.97", "1.92")


def test_the_averages_decay_to_zero_and_an_idle_day_costs_nothing():
    clock = ManualScheduler()
    load = LoadAverage(clock.now, 0.0)
    for _ in range(12):
        load.work("mgd")
        clock.advance(5)
    assert load.texts()[0] != "0.00"
    clock.advance(3600)
    assert load.texts() == ("0.00", "0.00", "0.00")
    clock.advance(86400)
    steps_before = load._sampled
    assert load.averages() == (0.0, 0.0, 0.0)
    assert load._sampled == steps_before + 17280  # every sample of the day counted, none computed


def test_a_quiet_device_stays_at_zero(srx, clock):
    device = srx("set system host-name quiet\n")
    clock.advance(3600)
    assert device.load.texts() == ("0.00", "0.00", "0.00")


def test_a_device_polling_ntp_shows_its_work(srx, clock):
    device = srx("set system ntp server 192.0.2.1\n")  # alone: every poll goes unanswered
    clock.advance(601)
    one, five, _ = device.load.averages()
    assert one > 0 and five > 0  # ntpd works once a minute (and mgd committed at 0)
