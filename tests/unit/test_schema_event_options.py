"""Schema of `event-options` (grammar/config/event-options.schema): a policy with every statement
the feature reads loads from the curly form, prints as Junos lays it out (`within` blocks,
`trigger on 3;`, `not events`, attributes on one line each, keyless command lists, `destination
local;`), round trips through `set` lines, and sits between forwarding-options and routing-options."""

from __future__ import annotations

import pytest

from nos.config.load import parse_curly, parse_set
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree

POLICY = """\
event-options {
    generate-event {
        every-minute time-interval 60;
    }
    policy FAILOVER {
        events [ ping_test_failed ping_probe_failed ];
        within 60 {
            trigger on 3;
        }
        within 120 {
            events ping_test_completed;
            not events ui_commit;
        }
        attributes-match {
            ping_test_failed.test-owner matches "^ISP1$";
            ping_test_failed.test-name equals ping_test_completed.test-name;
        }
        then {
            change-configuration {
                commands {
                    "delete routing-options static route 0.0.0.0/0";
                    "set routing-options static route 0.0.0.0/0 next-hop 10.2.2.1";
                }
                commit-options {
                    log "event failover";
                }
                retry count 5 interval 4;
                user-name lab;
            }
            execute-commands {
                commands {
                    "show route 0.0.0.0/0";
                }
                output-filename failover;
                destination local {
                    retry-count 3 retry-interval 10;
                }
                output-format text;
            }
            raise-trap;
            upload filename /var/log/messages destination local;
        }
    }
    destinations {
        local {
            archive-sites {
                /var/tmp;
            }
            transfer-delay 5;
        }
    }
}
"""


def loaded(schema, text: str) -> ConfigTree:  # type: ignore[no-untyped-def]
    tree = ConfigTree(schema.root)
    assert parse_curly(tree, text).messages == []
    return tree


def test_a_policy_prints_as_loaded_and_round_trips(schema):
    tree = loaded(schema, POLICY)
    assert curly_text(tree.root) == POLICY
    lines = list(set_lines(tree.root))
    assert "set event-options policy FAILOVER within 60 trigger on 3" in lines
    assert 'set event-options policy FAILOVER attributes-match ping_test_failed.test-owner matches "^ISP1$"' in lines
    again = ConfigTree(schema.root)
    assert parse_set(again, "\n".join(lines)).messages == []
    assert curly_text(again.root) == POLICY


def test_one_line_within_and_the_stanza_order(schema):
    text = "routing-options {\n    static {\n        route 0.0.0.0/0 discard;\n    }\n}\n"
    text += "event-options {\n    policy P {\n        events x;\n        within 30 events y;\n"
    text += "        then {\n            ignore;\n        }\n    }\n}\nsnmp {\n    location lab;\n}\n"
    printed = curly_text(loaded(schema, text).root)
    assert printed.index("snmp {") < printed.index("event-options {") < printed.index("routing-options {")
    assert "        within 30 {\n            events y;\n        }\n" in printed


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("set event-options policy P within 0 trigger on 2", "Value must be a number from 1 to 604800"),
        ("set event-options policy P within 60 trigger sometimes 2", "syntax error"),
        ("set event-options policy P attributes-match a.b resembles c", "syntax error"),
        ("set event-options policy P then execute-commands output-format json", "syntax error"),
        ("set event-options generate-event tick time-interval 30", "Value must be a number from 60 to 2592000"),
    ],
)
def test_values_junos_refuses(schema, line, message):
    tree = ConfigTree(schema.root)
    messages = parse_set(tree, line).messages
    assert messages and message in messages[0]
