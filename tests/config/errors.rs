//! Every kind of mistake, with the message a user sees.

use ailab::config::parse_hierarchy;

use super::{parse_err, parse_ok};

const TWO: &str = "[[node]]\nid = \"top\"\nchildren = [\"low\"]\n[[node]]\nid = \"low\"\n";

#[test]
fn syntax_errors_show_file_line_column_and_a_caret() {
    let msg = parse_err("[server]\nbase_url = \"http://x/v1\n\n[[node]]\nid = \"a\"\nname = Atlas\n");
    assert!(msg.contains("--> test.toml:2:24"), "{msg}");
    assert!(msg.contains("2 | base_url = \"http://x/v1\n  |                        ^"), "{msg}");
    // The parser recovers, so the second mistake is reported in the same run.
    assert!(msg.contains("--> test.toml:6:8"), "{msg}");
    assert!(msg.contains("6 | name = Atlas\n  |        ^^^^^"), "{msg}");
    assert!(msg.contains("2 problems in test.toml"), "{msg}");
}

#[test]
fn every_unknown_key_is_reported_with_a_suggestion() {
    let msg = parse_err(
        "[server]\nbase_ulr = \"http://x\"\n[defaults]\ntemprature = 0.5\n[[node]]\nid = \"a\"\nchildern = []\nsystem = \"hi\"\n[node.prompts]\nanswr = \"{task}\"\n[extra]\n",
    );
    for expected in [
        "unknown key `base_ulr` in [server]",
        "did you mean `base_url`?",
        "unknown key `temprature` in [defaults]",
        "did you mean `temperature`?",
        "unknown key `childern` in node \"a\"",
        "did you mean `children`?",
        "unknown key `system` in node \"a\"",
        "prompts go in a [node.prompts] table",
        "unknown key `answr` in the prompts of node \"a\"",
        "did you mean `answer`?",
        "unknown section or key `extra`",
        "test.toml:7:1",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
    }
    assert!(msg.contains("6 problems"), "{msg}");
}

#[test]
fn wrong_types_say_what_was_expected() {
    let msg = parse_err(&format!(
        "[defaults]\nmax_tokens = \"512\"\ntemperature = \"warm\"\ncritique = \"yes\"\nseed = 1.5\n{TWO}[node.prompts]\nanswer = 3\n"
    ));
    assert!(
        msg.contains("`max_tokens` in [defaults] should be a whole number, not the text \"512\""),
        "{msg}"
    );
    assert!(msg.contains("help: remove the quotes: max_tokens = 512"), "{msg}");
    assert!(
        msg.contains("`temperature` in [defaults] should be a number (like 0.7), not the text \"warm\""),
        "{msg}"
    );
    assert!(msg.contains("`critique` in [defaults] should be true or false"), "{msg}");
    assert!(msg.contains("`seed` in [defaults] should be a whole number, not the number 1.5"), "{msg}");
    assert!(msg.contains("`answer` in the prompts of node \"low\" should be text in quotes"), "{msg}");
}

#[test]
fn a_prompt_written_as_a_setting_points_to_the_prompts_table() {
    let msg = parse_err(&format!("{TWO}reflect = \"Critique {{draft}}\"\n"));
    assert!(msg.contains("`reflect` in node \"low\" should be a whole number"), "{msg}");
    assert!(msg.contains("to write the reflect prompt, put it in a [node.prompts] table"), "{msg}");
}

#[test]
fn nodes_need_double_brackets() {
    let msg = parse_err("[node]\nid = \"a\"\n");
    assert!(msg.contains("nodes must be written [[node]], with double brackets"), "{msg}");
    let msg = parse_err("[server]\n");
    assert!(msg.contains("the file defines no nodes"), "{msg}");
    let msg = parse_err("node = []\n");
    assert!(msg.contains("the file defines no nodes"), "{msg}");
}

#[test]
fn ids_must_be_present_simple_and_unique() {
    let msg = parse_err(
        "[[node]]\nname = \"Nobody\"\n[[node]]\nid = \"\"\n[[node]]\nid = \"my node\"\n[[node]]\nid = \"a\"\nname = \" \"\n[[node]]\nid = \"a\"\n",
    );
    assert!(msg.contains("node #1 has no id\n --> test.toml:1:1"), "{msg}");
    assert!(msg.contains("node #2 has an empty id"), "{msg}");
    assert!(msg.contains("the id \"my node\" has characters ids cannot have"), "{msg}");
    assert!(msg.contains("for example id = \"my-node\""), "{msg}");
    assert!(msg.contains("node \"a\" has an empty name"), "{msg}");
    assert!(msg.contains("two nodes have the id \"a\" (#4 and #5)\n  --> test.toml:11:6"), "{msg}");
}

#[test]
fn unknown_children_get_the_closest_id() {
    let msg =
        parse_err("[[node]]\nid = \"atlas\"\nchildren = [\"nvoa\", \"zzz\"]\n[[node]]\nid = \"nova\"\n");
    assert!(msg.contains("node \"atlas\" lists a child \"nvoa\", but no node has that id"), "{msg}");
    assert!(msg.contains("--> test.toml:3:13"), "{msg}");
    assert!(msg.contains("did you mean \"nova\"?"), "{msg}");
    assert!(
        msg.contains("the ids in this file are: atlas, nova; or add a [[node]] with id = \"zzz\""),
        "{msg}"
    );
}

#[test]
fn a_node_has_one_parent() {
    let msg = parse_err(
        "[[node]]\nid = \"r\"\nchildren = [\"a\", \"b\"]\n[[node]]\nid = \"a\"\nchildren = [\"c\", \"c\"]\n[[node]]\nid = \"b\"\nchildren = [\"c\"]\n[[node]]\nid = \"c\"\n",
    );
    assert!(msg.contains("node \"a\" lists \"c\" twice"), "{msg}");
    assert!(msg.contains("node \"c\" is a child of both \"a\" and \"b\"\n --> test.toml:9:13"), "{msg}");
}

#[test]
fn cycles_print_their_path() {
    let msg = parse_err(
        "[[node]]\nid = \"atlas\"\nchildren = [\"nova\"]\n[[node]]\nid = \"nova\"\nchildren = [\"echo\"]\n[[node]]\nid = \"echo\"\nchildren = [\"atlas\"]\n",
    );
    assert!(msg.contains("the tree has a cycle: atlas → nova → echo → atlas"), "{msg}");
    assert!(msg.contains("--> test.toml:9:13"), "{msg}");
    assert!(!msg.contains("no root"), "the cycle explains it: {msg}");
    let msg = parse_err("[[node]]\nid = \"me\"\nchildren = [\"me\"]\n");
    assert!(msg.contains("node \"me\" lists itself as a child: me → me"), "{msg}");
}

#[test]
fn exactly_one_root() {
    let msg = parse_err("[[node]]\nid = \"a\"\n[[node]]\nid = \"b\"\n[[node]]\nid = \"c\"\n");
    assert!(
        msg.contains("the tree has 3 roots (nodes nobody lists as a child): \"a\", \"b\", \"c\""),
        "{msg}"
    );
    assert!(msg.contains("add \"b\" and \"c\" to some node's children, or remove them"), "{msg}");
    // A detached cycle next to a proper tree.
    let msg = parse_err(&format!(
        "{TWO}[[node]]\nid = \"x\"\nchildren = [\"y\"]\n[[node]]\nid = \"y\"\nchildren = [\"x\"]\n"
    ));
    assert!(msg.contains("the tree has a cycle: x → y → x"), "{msg}");
}

#[test]
fn templates_are_checked_for_their_phase_naming_node_and_prompt() {
    let msg = parse_err(&format!(
        "{TWO}[node.prompts]\nanswer = \"Do it for {{child}}\"\nsystem = \"You are {{name}}. Do {{task}}\"\n"
    ));
    assert!(
        msg.contains("the answer prompt of node \"low\": {child} is not a placeholder of the answer phase"),
        "{msg}"
    );
    assert!(msg.contains("the answer prompt of node \"low\" must contain {task}"), "{msg}");
    assert!(msg.contains("write {task} where ailab should insert the task this node was given"), "{msg}");
    assert!(msg.contains("--> test.toml:7:21"), "caret on the placeholder itself: {msg}");
    assert!(msg.contains("{task} cannot be used in a system prompt"), "{msg}");
}

#[test]
fn a_broken_shared_template_is_reported_once_with_a_suggestion() {
    let msg = parse_err(&format!(
        "[defaults.prompts]\nsynthesize = \"Merge {{replys}}\"\n{TWO}[[node]]\nid = \"mid\"\nchildren = [\"x\"]\n[[node]]\nid = \"x\"\n"
    ));
    assert_eq!(msg.matches("{replys} is not a placeholder").count(), 1, "{msg}");
    assert!(msg.contains("the synthesize prompt in [defaults.prompts]: {replys}"), "{msg}");
    assert!(msg.contains("did you mean {replies}?"), "{msg}");
    assert!(msg.contains("the synthesize prompt in [defaults.prompts] must contain {replies}"), "{msg}");
}

#[test]
fn optional_phases_are_checked_only_when_used() {
    let broken = "[defaults.prompts]\nreflect = \"nothing\"\ncritique = \"nothing\"\nrevise = \"nothing\"\n";
    parse_ok(&format!("{broken}{TWO}"));
    let msg = parse_err(&format!("{broken}[defaults]\nreflect = 1\n{TWO}"));
    assert!(msg.contains("the reflect prompt in [defaults.prompts] must contain {draft}"), "{msg}");
    assert!(msg.contains("the revise prompt in [defaults.prompts] must contain {critique}"), "{msg}");
    assert!(!msg.contains("the critique prompt"), "{msg}");
    let msg = parse_err(&format!(
        "{broken}[[node]]\nid = \"top\"\nchildren = [\"low\"]\ncritique = true\n[[node]]\nid = \"low\"\n"
    ));
    assert!(msg.contains("the critique prompt in [defaults.prompts] must contain {reply}"), "{msg}");
    // Leaves do not split, so a leaf's split template is never checked.
    parse_ok(&format!("{TWO}[node.prompts]\nsplit = \"whatever\"\n"));
}

#[test]
fn numbers_must_be_in_range() {
    let msg = parse_err(&format!(
        "[server]\nmax_concurrent = 0\nconnect_timeout_secs = 0\nfirst_token_timeout_secs = -5\nidle_timeout_secs = nan\n\
         [defaults]\ntemperature = 2.5\ntop_p = 0\nmax_tokens = 0\ncontext_tokens = 256\nreflect = 11\n{TWO}top_p = 1.5\n"
    ));
    for expected in [
        "max_concurrent in [server] must be between 1 and 1024, not 0",
        "connect_timeout_secs in [server] must be a number of seconds above 0, not 0",
        "first_token_timeout_secs in [server] must be a number of seconds above 0, not -5",
        "idle_timeout_secs in [server] must be a number of seconds above 0, not NaN",
        "temperature in [defaults] must be between 0 and 2, not 2.5",
        "top_p in [defaults] must be above 0 and at most 1, not 0",
        "max_tokens in [defaults] must be at least 1, not 0",
        "context_tokens in [defaults] must be at least 512, not 256",
        "reflect in [defaults] must be between 0 and 10, not 11",
        "top_p in node \"low\" must be above 0 and at most 1, not 1.5",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
    }
}

#[test]
fn the_reply_budget_must_leave_room_for_the_prompt() {
    let msg = parse_err(&format!("{TWO}max_tokens = 4000\n"));
    assert!(
        msg.contains("max_tokens (4000) in node \"low\" leaves too little of the context (4096 tokens)"),
        "{msg}"
    );
    let msg = parse_err(&format!("[defaults]\ncontext_tokens = 600\n{TWO}"));
    assert_eq!(msg.matches("in [defaults] leaves too little").count(), 1, "said once for all nodes: {msg}");
}

#[test]
fn critique_on_a_leaf_is_a_mistake_but_a_default_for_parents() {
    let msg = parse_err(&format!("{TWO}critique = true\n"));
    assert!(msg.contains("node \"low\" has critique = true but no children to critique"), "{msg}");
    parse_ok(&format!("[defaults]\ncritique = true\n{TWO}"));
}

#[test]
fn urls_must_be_http_and_key_names_simple() {
    let msg = parse_err(&format!(
        "[server]\nbase_url = \"localhost:1234\"\napi_key_env = \"sk-123 secret\"\n{TWO}endpoint = \"ftp://x\"\n"
    ));
    assert!(
        msg.contains("base_url in [server] \"localhost:1234\" is not an address starting with http://"),
        "{msg}"
    );
    assert!(msg.contains("add the scheme: \"http://localhost:1234\""), "{msg}");
    assert!(msg.contains("api_key_env in [server] must be the name of an environment variable"), "{msg}");
    assert!(msg.contains("endpoint in node \"low\" \"ftp://x\" uses ftp://"), "{msg}");
}

#[test]
fn problems_come_in_file_order_and_are_structured() {
    let err =
        match parse_hierarchy(&format!("{TWO}temperature = 9\n[node.prompts]\nanswer = \"x\"\n"), "f.toml") {
            Err(e) => e,
            Ok(_) => panic!("must fail"),
        };
    let lines: Vec<usize> = err.problems.iter().filter_map(|p| p.location.as_ref().map(|l| l.line)).collect();
    assert_eq!(lines, [6, 8]);
    assert_eq!(err.source, "f.toml");
    assert!(err.problems.iter().all(|p| p.help.is_some()));
}

#[test]
fn an_https_address_is_refused_where_it_is_written() {
    let msg = parse_err(&format!(
        "[server]\nbase_url = \"https://box:8000/v1\"\n{TWO}endpoint = \"https://b/v1\"\n"
    ));
    assert!(msg.contains("--> test.toml:2:12"), "{msg}");
    assert!(msg.contains("uses https://, which ailab does not speak"), "{msg}");
    assert!(msg.contains("write \"http://box:8000/v1\""), "{msg}");
    assert!(msg.contains("endpoint in node \"low\""), "{msg}");
}

#[test]
fn loop_guard_and_sampling_knobs_out_of_range_point_at_their_place() {
    let msg = parse_err(&format!(
        "[defaults]\nloop_guard_repeats = 1\nfrequency_penalty = 2.5\n{TWO}presence_penalty = -3\nrepeat_penalty = 0\nmin_p = 1.5\ntop_k = -1\nloop_guard = \"no\"\n"
    ));
    for expected in [
        "test.toml:2:22",
        "loop_guard_repeats in [defaults] must be between 2 and 20, not 1",
        "test.toml:3:21",
        "frequency_penalty in [defaults] must be between -2 and 2, not 2.5",
        "presence_penalty in node \"low\" must be between -2 and 2, not -3",
        "repeat_penalty in node \"low\" must be a number above 0, not 0",
        "min_p in node \"low\" must be between 0 and 1, not 1.5",
        "top_k in node \"low\" must be at least 0, not -1",
        "`loop_guard` in node \"low\" should be true or false",
    ] {
        assert!(msg.contains(expected), "missing {expected:?} in:\n{msg}");
    }
}

#[test]
fn the_guard_and_the_knobs_resolve_from_the_node_then_the_defaults() {
    let h = parse_ok(&format!(
        "[defaults]\nloop_guard_repeats = 4\ntop_k = 40\nmin_p = 0.05\n{TWO}loop_guard = false\ntop_k = 0\nrepeat_penalty = 1.1\n"
    ));
    let top = h.node("top").expect("top");
    let low = h.node("low").expect("low");
    assert!(top.loop_guard && !low.loop_guard);
    assert_eq!((top.loop_guard_repeats, low.loop_guard_repeats), (4, 4));
    assert_eq!(top.sampling.top_k, Some(40));
    assert_eq!(low.sampling.top_k, Some(0), "the node's own value wins, 0 included");
    assert_eq!(top.sampling.min_p, Some(0.05));
    assert_eq!((top.sampling.repeat_penalty, low.sampling.repeat_penalty), (None, Some(1.1)));
    assert_eq!(top.sampling.frequency_penalty, None);
    let plain = parse_ok(TWO);
    assert!(plain.nodes.iter().all(|n| n.loop_guard && n.loop_guard_repeats == 3 && n.sampling.is_empty()));
}
