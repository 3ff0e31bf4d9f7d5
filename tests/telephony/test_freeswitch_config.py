"""The sample FreeSWITCH configuration (telephony/freeswitch/): well-formed, and consistent with the
names the worker and the loss classifier rely on. Needs neither FreeSWITCH nor a database.

The 12345 dialplan is also walked the way FreeSWITCH's XML dialplan does it (search the extensions,
run the actions, search again after each `transfer`) to check that every path sets the channel
variables the classifier reads.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from telephony.classifier import OVERFLOW_REASONS
from telephony.scenarios import QUEUE

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "telephony" / "freeswitch"
FILES = {
    "autoload_configs/event_socket.conf.xml", "autoload_configs/callcenter.conf.xml",
    "autoload_configs/json_cdr.conf.xml", "autoload_configs/conference.conf.xml",
    "autoload_configs/modules.conf.xml", "dialplan/public/12345.xml", "dialplan/default/agents.xml",
    "lang/zh/agent_id.xml", "sip_profiles/external/carrier.xml", "directory/default/1001.xml",
    "directory/default/hotline.xml",
}
CALLER = "13800138000"


def xml(rel: str) -> ET.Element:
    return ET.parse(CONF / rel).getroot()


def params(element: ET.Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in element.iter("param"):
        found.setdefault(p.get("name"), []).append(p.get("value"))
    return found


# --- every file -----------------------------------------------------------------------------------
def test_every_sample_file_is_well_formed_xml():
    files = sorted(CONF.rglob("*.xml"))
    assert FILES <= {f.relative_to(CONF).as_posix() for f in files}
    for f in files:
        ET.parse(f)  # raises ParseError on a malformed file


def test_no_preprocessor_directive_hides_in_a_comment():
    # FreeSWITCH's preprocessor acts on X-PRE-PROCESS lines even inside <!-- -->
    files = sorted(CONF.rglob("*.xml"))
    assert files
    for f in files:
        comments = re.findall(r"<!--.*?-->", f.read_text(encoding="utf-8"), flags=re.S)
        assert not [c for c in comments if "X-PRE-PROCESS" in c], f


# --- event socket ---------------------------------------------------------------------------------
def test_event_socket_listens_on_loopback_behind_an_acl_with_a_loud_password_comment():
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    settings = ET.parse(CONF / "autoload_configs/event_socket.conf.xml", parser).getroot().find("settings")
    p = params(settings)
    assert p["listen-ip"] == ["127.0.0.1"]
    assert p["listen-port"] == ["8021"]
    assert p["apply-inbound-acl"] == ["loopback.auto"]  # one list: several are ANDed
    children = list(settings)
    at = next(i for i, c in enumerate(children) if c.get("name") == "password")
    assert children[at - 1].tag is ET.Comment and "CHANGE THIS" in children[at - 1].text


# --- queue, agents, tiers -------------------------------------------------------------------------
def test_callcenter_queue_is_the_workers_queue_and_records():
    root = xml("autoload_configs/callcenter.conf.xml")
    assert root.get("name") == "callcenter.conf"
    queues = root.find("queues").findall("queue")
    assert [q.get("name") for q in queues] == [QUEUE] == ["hotline@default"]
    p = params(queues[0])
    assert p["record-template"] == ["$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav"]
    assert 30 <= int(p["max-wait-time"][0]) <= 120
    assert int(p["max-wait-time-with-no-agent"][0]) > 0
    assert p["strategy"][0] in {"longest-idle-agent", "top-down"}


def test_sample_agents_are_extension_at_default_rung_at_their_user_and_tiered():
    root = xml("autoload_configs/callcenter.conf.xml")
    agents = root.find("agents").findall("agent")
    assert len(agents) == 3
    for agent in agents:
        ext = re.fullmatch(r"(\d+)@default", agent.get("name")).group(1)
        assert agent.get("type") == "callback"
        assert re.fullmatch(rf"(\[[^\]]*\])?user/{ext}", agent.get("contact"))
        assert agent.get("status") == "Logged Out"
    tiers = root.find("tiers").findall("tier")
    assert {t.get("agent") for t in tiers} == {a.get("name") for a in agents}
    assert {t.get("queue") for t in tiers} == {QUEUE}
    assert xml("directory/default/1001.xml").find("user").get("id") == "1001"


# --- CDRs -----------------------------------------------------------------------------------------
def test_json_cdr_posts_every_leg_to_the_web_with_basic_auth():
    p = params(xml("autoload_configs/json_cdr.conf.xml").find("settings"))
    assert p["url"] and all(u.endswith("/telephony/cdr") for u in p["url"])
    assert p["auth-scheme"] == ["basic"]
    assert p["cred"][0].startswith("freeswitch:")
    assert p["log-b-leg"] == ["true"]
    assert p["encode"][0] in {"true", "false"}  # raw JSON or a cdr= form field; not base64
    assert p["encode-values"] == ["false"]  # the worker reads variable values as they are
    assert int(p["retries"][0]) >= 1 and p["err-log-dir"][0]


# --- dialplan -------------------------------------------------------------------------------------
def _value(template: str, chan: dict[str, str], glob: dict[str, str]) -> str:
    """${name} as FreeSWITCH expands it at run time: the channel's, else the global variable; the
    innermost first, so ${hotline_queue_${ivr_choice}} reads the variable the digit names."""
    for _ in range(5):
        expanded = re.sub(r"(?<!\$)\$\{(\w+)\}", lambda m: chan.get(m[1], glob.get(m[1], "")), template)
        if expanded == template:
            break
        template = expanded
    return template


def _matches(condition: ET.Element, chan: dict[str, str], glob: dict[str, str]) -> bool:
    field = condition.get("field")
    if field is None:  # a bare <condition> always matches
        return True
    value = _value(field, chan, glob) if "$" in field else chan.get(field, "")
    return re.search(condition.get("expression"), value) is not None


def _hunt(extensions: list[ET.Element], chan: dict[str, str], glob: dict[str, str]) -> ET.Element | None:
    """The first extension whose conditions all match (FreeSWITCH's search, no `continue`)."""
    return next((e for e in extensions if all(_matches(c, chan, glob) for c in e.findall("condition"))), None)


def run_call(dest: str = "12345", *, caller: str = CALLER, peak: str = "0", digits=(), queue=None, menu=None):
    """The caller's channel variables and the applications run, up to the end of the call."""
    extensions = xml("dialplan/public/12345.xml").findall("extension")
    glob = {"cc_peak": peak, **(menu or {})}  # what `global_setvar cc_peak=…` (and the menu's) leave
    chan = {"caller_id_number": caller, "destination_number": dest}
    apps: list[tuple[str, str]] = []
    keys = list(digits)  # what the caller presses, prompt after prompt
    for _ in range(10):
        ext = _hunt(extensions, chan, glob)
        if ext is None:
            return chan, apps + [("no route", dest)]
        for action in ext.iter("action"):
            app, data = action.get("application"), _value(action.get("data", ""), chan, glob)
            apps.append((app, data))
            if app == "set":
                name, _, value = data.partition("=")
                chan[name] = value
            elif app == "play_and_get_digits":
                args = data.split()
                key = keys.pop(0) if keys else ""
                chan[args[7]] = key if re.fullmatch(args[8], key) else ""
            elif app == "callcenter":
                chan.update(queue or {"cc_cause": "answered"})
                if chan.get("cc_cause") == "answered":  # bridged; the call ends with the agent's
                    assert chan.get("hangup_after_bridge") == "true"
                    return chan, apps
            elif app == "transfer":
                chan["destination_number"] = data.split()[0]
                break
            elif app == "hangup":
                return chan, apps
        else:
            return chan, apps
    raise AssertionError("the dialplan transfers in a loop")


@pytest.mark.parametrize("dest", ["12345", "01012345", "+8612345", "86075512345"])
def test_the_number_reaches_the_hotline_with_or_without_prefixes(dest):
    _, apps = run_call(dest)
    assert ("callcenter", QUEUE) in apps


@pytest.mark.parametrize("dest", ["123456", "912345", "1234"])
def test_other_numbers_do_not(dest):
    assert run_call(dest)[1] == [("no route", dest)]


def test_a_normal_call_answers_then_menu_then_queue():
    chan, apps = run_call(digits=["2"])
    assert apps.index(("answer", "")) < apps.index(("set", "ivr_stage=menu"))  # answered = not a trunk loss
    assert ("callcenter", QUEUE) in apps and chan["ivr_stage"] == "queue"
    assert chan["hotline_call"] == "true" and chan["ivr_choice"] == "2"
    assert chan["language"] == "zh"  # phrase:agent_id is looked up in this language
    assert "callback_requested" not in chan


def test_each_menu_key_leads_to_the_queue_the_worker_set_with_its_priority_score():
    menu = {"hotline_queue_2": "complaint@default", "hotline_score_2": "420",
            "hotline_queue_": "hotline@default", "hotline_score_": "0"}   # telephony/queue_announce.py
    chan, apps = run_call(digits=["2"], menu=menu)
    assert ("callcenter", "complaint@default") in apps and chan["cc_base_score"] == "420"
    chan, apps = run_call(digits=[], menu=menu)   # no key: the general queue
    assert ("callcenter", "hotline@default") in apps
    # before the worker set anything, a caller still reaches the general queue
    assert ("callcenter", QUEUE) in run_call(digits=["7"])[1]


def test_at_peak_pressing_1_files_a_callback_without_joining_the_queue():
    chan, apps = run_call(peak="1", digits=["1", "1"])
    assert chan["callback_requested"] == "true" and chan["callback_number"] == CALLER
    assert chan["ivr_stage"] == "dissuasion"
    assert not [a for a in apps if a[0] == "callcenter"]  # no cc_queue_joined_epoch: dissuaded
    assert apps[-1] == ("hangup", "NORMAL_CLEARING")


@pytest.mark.parametrize("caller, keys", [(CALLER, ["1", ""]), (CALLER, ["1", "3"]), ("anonymous", ["1"])])
def test_at_peak_a_caller_who_declines_or_cannot_be_called_back_queues(caller, keys):
    chan, apps = run_call(peak="1", caller=caller, digits=keys)
    assert ("callcenter", QUEUE) in apps and "callback_requested" not in chan
    dissuaded = [a for a in apps if a[0] == "play_and_get_digits" and "dissuasion" in a[1]]
    assert bool(dissuaded) == (caller == CALLER)


@pytest.mark.parametrize("reason", sorted(OVERFLOW_REASONS))
def test_queue_overflow_goes_to_the_hotline_mailbox(reason):
    chan, apps = run_call(queue={"cc_cause": "cancel", "cc_cancel_reason": reason})
    assert chan["ivr_stage"] == "voicemail"
    voicemail = [data for app, data in apps if app == "voicemail"]
    assert voicemail == ["default $${domain} hotline"]
    assert xml("directory/default/hotline.xml").find("user").get("id") == voicemail[0].split()[-1]


def test_a_caller_leaving_the_queue_otherwise_is_not_sent_to_voicemail():
    chan, apps = run_call(queue={"cc_cause": "cancel", "cc_cancel_reason": "BREAK_OUT"})
    assert not [a for a in apps if a[0] == "voicemail"] and apps[-1][0] == "hangup"
    assert chan["ivr_stage"] == "queue"


def test_the_dialplan_names_what_the_worker_and_classifier_read():
    text = (CONF / "dialplan/public/12345.xml").read_text(encoding="utf-8")
    for name in ("${cc_peak}", "callback_requested=true", "callback_number=${caller_id_number}",
                 "${cc_cancel_reason}", f'data="hotline_queue={QUEUE}"', 'data="${hotline_queue}"'):
        assert name in text, name


def test_star_12345_from_a_seat_enters_the_public_hotline_flow():
    ext = xml("dialplan/default/agents.xml").find("extension[@name='hotline_test_call']")
    assert re.search(ext.find("condition").get("expression"), "*12345")
    assert list(ext.iter("action"))[-1].get("data") == "12345 XML public"


# --- phrases, gateway, conference, modules --------------------------------------------------------
def test_agent_id_phrase_says_the_digits_of_the_extension():
    language = xml("lang/zh/agent_id.xml").find("language")
    assert language.get("name") == "zh" and language.get("say-module") in {"zh", "en"}
    macro = language.find("phrases/macros/macro[@name='agent_id']")
    match = re.search(macro.find("input").get("pattern"), "1001")
    assert match and match.group(1) == "1001"
    say = macro.find("input/match/action[@function='say']")
    assert (say.get("data"), say.get("method"), say.get("type")) == ("$1", "iterated", "number")


def test_carrier_gateway_and_conference_profile_exist():
    gateway = xml("sip_profiles/external/carrier.xml").find("gateway")
    assert gateway.get("name") == "carrier"  # sofia/gateway/carrier/<number>
    assert "proxy" in params(gateway)
    profile = xml("autoload_configs/conference.conf.xml").find("profiles/profile[@name='default']")
    p = params(profile)
    assert "start-talking" in p["suppress-events"][0] and p["caller-controls"] == ["none"]


def test_modules_the_samples_need_are_loaded():
    loaded = {m.get("module") for m in xml("autoload_configs/modules.conf.xml").iter("load")}
    needed = {"mod_event_socket", "mod_callcenter", "mod_json_cdr", "mod_voicemail", "mod_conference",
              "mod_sofia", "mod_dptools", "mod_commands", "mod_dialplan_xml", "mod_sndfile",
              "mod_local_stream", "mod_say_zh", "mod_say_en"}
    assert needed <= loaded
