"""The built-in sample network: deterministic, the right sizes, hollow groups that look hollow, files that read back."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import innercircle
from innercircle import sample
from innercircle.cli import main
from innercircle.io import generic
from innercircle.errors import UsageError
from innercircle.model import KINDS, TABLES

END = pd.Timestamp(sample.DEFAULT_END)
ACTIVE_TOWARD_OWNER = ("share", "reply", "mention", "visit", "message", "contribution", "word_of_mouth", "response")


@pytest.fixture(scope="module")
def batch():
    return sample.generate()


@pytest.fixture(scope="module")
def truth(batch):
    return sample.ground_truth(batch)


@pytest.fixture(scope="module")
def small():
    return sample.generate(followers=300, seed=3)


def ids_of(truth: pd.DataFrame, *kinds: str) -> set[str]:
    return set(truth.loc[truth["kind"].isin(kinds), "id"])


def received(batch) -> pd.DataFrame:
    """Interactions toward the owner by others, with the actor's construction label."""
    i = batch.tables["interactions"]
    i = i[(i["target"] == sample.OWNER) & (i["actor"] != sample.OWNER)]
    return i.merge(sample.ground_truth(batch)[["id", "kind"]].rename(columns={"id": "actor", "kind": "label"}),
                   on="actor", how="left")


# -- determinism and shape -------------------------------------------------------------------

def test_same_seed_gives_identical_tables(small):
    again = sample.generate(followers=300, seed=3)
    for name, frame in small.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name], obj=name)
    pd.testing.assert_frame_equal(sample.ground_truth(small), sample.ground_truth(again))


def test_different_seed_gives_a_different_network(small):
    other = sample.generate(followers=300, seed=4)
    assert set(other.tables["accounts"]["id"]) != set(small.tables["accounts"]["id"])
    assert not other.tables["interactions"]["at"].equals(small.tables["interactions"]["at"])


def test_batch_describes_itself(batch):
    assert (batch.format, batch.source, batch.owner) == ("sample", "sample:4000:7", "founder")
    assert batch.unknown == set()
    assert sorted(batch.tables) == sorted(TABLES)


def test_default_sizes_are_in_range(batch):
    t = batch.tables
    follows = t["follows"]
    assert (follows["followee"] == "founder").sum() == 4000
    assert 200 <= (follows["follower"] == "founder").sum() <= 800        # a few hundred
    assert 20_000 < len(follows) < 200_000
    assert len(t["interactions"]) == 60_000                                # 15 per follower by default
    assert 300 <= (t["posts"]["author"] == "founder").sum() <= 400
    assert len(t["groups"]) == 8
    assert 4000 < len(t["accounts"]) < 5000


@pytest.mark.parametrize("n", [0, 500, 20_000], ids=["none", "few", "many"])
def test_interactions_option_sets_the_number_of_rows(n):
    b = sample.generate(followers=200, seed=1, interactions=n)
    assert len(b.tables["interactions"]) == n


def test_columns_are_the_generic_ones_and_labels_stay_out(batch):
    for name, frame in batch.tables.items():
        assert list(frame.columns) == list(TABLES[name]), name
    # The farm must not be readable from any column but through its behaviour.
    assert not any("hollow" in c or "kind" == c for c in batch.tables["accounts"].columns)


def test_ids_are_text_everywhere(batch):
    t = batch.tables
    columns = [("accounts", "id"), ("follows", "follower"), ("follows", "followee"), ("interactions", "actor"),
               ("interactions", "target"), ("posts", "id"), ("posts", "author"), ("memberships", "account")]
    for table, col in columns:
        assert t[table][col].map(type).eq(str).all(), f"{table}.{col}"
    ids = t["accounts"]["id"]
    assert ids.is_unique
    assert ids.str.startswith("0").any()          # "07" and "7" are different accounts


def test_end_date_fixes_the_time_window():
    b = sample.generate(followers=200, seed=1, end="2025-01-01")
    at = b.tables["interactions"]["at"]
    assert at.max() < pd.Timestamp("2025-01-01")
    assert at.min() >= pd.Timestamp("2025-01-01") - pd.Timedelta(days=365)
    assert (b.tables["accounts"]["observed_at"] == pd.Timestamp("2025-01-01")).all()


def test_progress_is_reported_phase_by_phase():
    seen = []
    sample.generate(followers=100, progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [label for _, _, label in seen][:3] == ["population", "follows", "profiles"]


@pytest.mark.parametrize("kwargs", [{"followers": 5}, {"end": "not a date"}, {"interactions": -1}],
                         ids=["too-few", "bad-end", "negative"])
def test_bad_parameters_are_refused(kwargs):
    with pytest.raises(UsageError):
        sample.generate(**kwargs)


# -- who works for the owner ------------------------------------------------------------------

def test_tiers_have_the_intended_shares(truth):
    followers = truth[truth["follower"]]
    share = followers["kind"].value_counts(normalize=True)
    assert share["committed"] == pytest.approx(.05, abs=.005)
    assert share["occasional"] == pytest.approx(.08, abs=.005)
    assert share["attentive"] == pytest.approx(.15, abs=.005)
    assert share["silent"] > .4


def test_tiers_behave_as_labelled(batch, truth):
    """Committed: active on 3+ days, one in the last 90 days; occasional: active, but not like that."""
    r = received(batch)
    r = r[r["kind"] != "invitation"]              # a few followers once sent the invitation they came by
    active = r[r["kind"].isin(ACTIVE_TOWARD_OWNER)]
    assert set(r.loc[r["label"] == "attentive", "kind"]) == {"like"}
    assert r["label"].isin(["silent", "farm", "mass", "bought", "inactive"]).sum() == 0
    days = active.assign(day=active["at"].dt.floor("D")).groupby("actor")["day"].nunique()
    recent = set(active.loc[active["at"] >= END - pd.Timedelta(days=90), "actor"])
    committed, occasional = ids_of(truth, "committed"), ids_of(truth, "occasional")
    assert days.reindex(list(committed)).min() >= 10 and committed <= recent   # many days, also lately
    assert occasional <= set(days.index)
    looks_committed = {a for a in occasional if days[a] >= 3 and a in recent}
    assert not looks_committed
    assert days.reindex(list(occasional)).median() < days.reindex(list(committed)).median() / 5


def test_a_few_followers_produce_most_actions(batch):
    r = received(batch)
    per_actor = r.groupby("actor").size().sort_values(ascending=False)
    top = per_actor.head(int(len(per_actor) * .1)).sum()
    assert top / per_actor.sum() > .5


def test_every_kind_is_present(batch):
    assert set(batch.tables["interactions"]["kind"]) == set(KINDS)


def test_likes_shares_and_replies_follow_an_owner_post(batch):
    t = batch.tables
    posts = t["posts"].set_index("id")
    r = received(batch)
    on_post = r[r["kind"].isin(["like", "share", "reply"])]
    assert on_post["post"].notna().all()
    assert (posts.loc[on_post["post"], "author"].to_numpy() == "founder").all()
    assert (on_post["at"].to_numpy() >= posts.loc[on_post["post"], "at"].to_numpy()).all()


def test_no_follower_acts_before_following(batch):
    f = batch.tables["follows"]
    since = f[f["followee"] == "founder"].set_index("follower")["since"]
    r = received(batch)
    r = r[r["actor"].isin(since.index) & (r["kind"] != "invitation")]
    assert (r["at"].to_numpy() >= since.loc[r["actor"]].to_numpy()).all()


def test_non_followers_act_and_invite(batch, truth):
    r = received(batch)
    followers = ids_of(truth, "committed", "occasional", "attentive", "silent", "farm", "mass", "bought", "inactive")
    outsiders = r[~r["actor"].isin(followers)]
    assert outsiders["kind"].isin(["like", "share", "reply", "visit"]).sum() > 100
    pending = outsiders[outsiders["kind"] == "invitation"]
    assert pending["actor"].nunique() >= 30


def test_requests_get_a_few_to_a_few_dozen_responses_mostly_from_working_followers(batch):
    i = batch.tables["interactions"]
    req = i[i["kind"] == "request"]
    assert len(req) == 12
    assert (req["actor"] == "founder").all() and (req["target"] == "founder").all()
    assert list(req.sort_values("at")["post"]) == [f"req-{n:02d}" for n in range(1, 13)]
    resp = received(batch)
    resp = resp[resp["kind"] == "response"]
    per_request = resp.groupby("post").size()
    assert set(per_request.index) <= set(req["post"]) and len(per_request) >= 10
    assert per_request.min() >= 2 and per_request.max() <= 100
    assert resp["label"].isin(["committed", "occasional"]).mean() > .8
    asked = req.set_index("post")["at"]
    assert (resp["at"].to_numpy() > asked.loc[resp["post"]].to_numpy()).all()


def test_care_given_correlates_with_care_received_but_not_perfectly(batch):
    i = batch.tables["interactions"]
    given = i[(i["actor"] == "founder") & (i["target"] != "founder")]
    assert set(given["kind"]) == {"reply", "share", "mention", "message"}
    got = received(batch)
    got = got[got["kind"].isin(ACTIVE_TOWARD_OWNER)].groupby("actor").size()
    pair = pd.concat([given.groupby("target").size(), got], axis=1).fillna(0)
    rho = pair.corr(method="spearman").iloc[0, 1]
    assert .3 < rho < .95
    # Conversations both ways: people the owner messages who also message the owner.
    to = set(given.loc[given["kind"] == "message", "target"])
    back = set(got.index[got.index.isin(i.loc[i["kind"] == "message", "actor"])])
    assert len(to & back) >= 30


# -- hollow accounts --------------------------------------------------------------------------

def profiles(batch, truth, kind: str) -> pd.DataFrame:
    a = batch.tables["accounts"]
    return a[a["id"].isin(ids_of(truth, kind))]


def test_farm_follows_as_many_as_follow_it_and_each_other_and_is_followed_back(batch, truth):
    farm = profiles(batch, truth, "farm")
    assert 250 <= len(farm) <= 350
    ratio = farm["following_count"] / farm["followers_count"]
    assert ratio.between(.8, 1.25).all() and (farm["followers_count"] >= 1000).all()
    f = batch.tables["follows"]
    inner = f[f["follower"].isin(farm["id"]) & f["followee"].isin(farm["id"])]
    assert inner.groupby("follower").size().min() >= 20                     # dense cluster
    assert f[(f["followee"] == "founder") & f["follower"].isin(farm["id"])].shape[0] == len(farm)
    back = f[(f["follower"] == "founder") & f["followee"].isin(farm["id"])]
    assert len(back) > .4 * len(farm)
    came = f[f["followee"] == "founder"].set_index("follower")["since"]
    lag = came.loc[back["followee"]] - back.set_index("followee")["since"]
    assert lag.between(pd.Timedelta(minutes=1), pd.Timedelta(minutes=10)).all()   # followed back by script


def test_mass_followers_follow_tens_of_thousands(batch, truth):
    mass = profiles(batch, truth, "mass")
    assert 120 <= len(mass) <= 180
    assert mass["following_count"].between(20_000, 60_000).all()
    assert (mass["followers_count"] < 1000).all() and (mass["posts_count"] < 50).all()


def test_bought_followers_arrive_in_a_burst(batch, truth):
    bought = profiles(batch, truth, "bought")
    assert 350 <= len(bought) <= 450
    created = bought["created_at"]
    assert created.max() - created.min() <= pd.Timedelta(days=10)
    assert pd.Timedelta(days=80) < END - created.max() and END - created.min() < pd.Timedelta(days=110)
    f = batch.tables["follows"]
    since = f[(f["followee"] == "founder") & f["follower"].isin(bought["id"])]["since"]
    assert since.max() - since.min() <= pd.Timedelta(days=5)
    assert (bought["bio"] == "").all() and (~bought["has_avatar"]).all()
    assert bought["handle"].str.fullmatch(r"user\d{8}").all()
    assert bought["posts_count"].between(0, 3).all()


def test_inactive_accounts_are_old_quiet_and_do_nothing(batch, truth):
    inactive = profiles(batch, truth, "inactive")
    assert len(inactive) > 100
    assert (END - inactive["created_at"] > pd.Timedelta(days=8 * 365)).all()
    assert (inactive["posts_count"] <= 40).all()
    assert not batch.tables["interactions"]["actor"].isin(inactive["id"]).any()
    posts = batch.tables["posts"]
    last = posts[posts["author"].isin(inactive["id"])].groupby("author")["at"].max()
    assert len(last) == len(inactive) and (END - last > pd.Timedelta(days=365)).all()


def test_real_followers_look_real(batch, truth):
    real = profiles(batch, truth, "committed")
    assert real["has_avatar"].mean() > .85 and (real["bio"] != "").mean() > .8
    assert (real["tags"] != "").mean() > .4
    tags = batch.tables["accounts"]["tags"]
    assert tags.str.contains(r"customer;trusted|peer;met|customer;met").any()
    assert (tags == "").mean() > .8                                          # most are untagged
    owner = batch.tables["accounts"].set_index("id").loc["founder"]
    assert owner["handle"] == "ada_founder" and owner["tags"] == "" and "sustainable manufacturing" in owner["bio"]


def test_bios_hint_at_the_segment(batch, truth):
    a = batch.tables["accounts"].merge(truth, on="id")
    hints = {"supplier": "We supply", "press": r"Journalist|reporter|Editor", "competitor": "factory software"}
    for segment, pattern in hints.items():
        people = a[(a["segment"] == segment) & (a["bio"] != "")]
        assert people["bio"].str.contains(pattern).mean() > .9, segment
    others = a[a["segment"] == "other"]
    assert not others["bio"].str.contains("We supply|Journalist").any()


# -- reach and groups ------------------------------------------------------------------------

def test_followers_have_overlapping_followers_of_their_own(batch, truth):
    f = batch.tables["follows"]
    followers = set(f.loc[f["followee"] == "founder", "follower"])
    second = f[f["followee"].isin(followers) & (f["follower"] != "founder")]
    beyond = second[~second["follower"].isin(followers)]
    assert beyond["follower"].nunique() > 4000                                # second-degree reach matters
    assert (beyond.groupby("follower").size() >= 2).sum() > 1000            # ... and overlaps


def test_groups_have_naive_counts_above_the_known_members(batch):
    g = batch.tables["groups"].set_index("group")
    m = batch.tables["memberships"]
    known = m.groupby("group").size()
    assert (g["members_count"] > known.reindex(g.index, fill_value=0)).all()
    assert 3 <= (m["account"] == "founder").sum() <= 8
    assert (m[m["account"] != "founder"].groupby("account").size() >= 2).sum() > 20  # overlap
    assert not m.duplicated().any()


# -- labels, files, CLI, workspace ------------------------------------------------------------

def test_ground_truth_can_be_rebuilt_from_followers_and_seed(batch, truth):
    rebuilt = sample.ground_truth(followers=4000, seed=7)
    pd.testing.assert_frame_equal(rebuilt, truth)
    assert set(truth["kind"]) >= {"owner", "farm", "mass", "bought", "inactive", "committed"}
    assert truth.loc[truth["hollow"], "kind"].isin(["farm", "mass", "bought", "inactive"]).all()


def as_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """What a table should look like when its CSV is read back as text: unknown is an empty cell."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        elif pd.api.types.is_bool_dtype(s):
            s = s.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(s):
            s = s.map(lambda v: f"{v:g}")
        out[col] = s.astype(object).where(s.notna(), "").astype(str)
    return pd.DataFrame(out)


def test_write_csv_round_trips(small, tmp_path):
    written = sample.write_batch(small, tmp_path)
    assert sorted(p.name for p in written.values()) == sorted(f"{t}.csv" for t in TABLES)
    for name, frame in small.tables.items():
        back = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(back, as_csv_text(frame), obj=name, check_dtype=False)


def test_write_parquet_round_trips(small, tmp_path):
    sample.write_batch(small, tmp_path, fmt="parquet")
    for name, frame in small.tables.items():
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        for col in back.select_dtypes("datetime").columns:     # Parquet may hand back another time unit
            back[col] = back[col].astype(frame[col].dtype)
        same = [f.astype(object).where(f.notna(), None) for f in (back, frame)]  # one null: None
        pd.testing.assert_frame_equal(*same, obj=name, check_dtype=False)


def test_write_generates_and_writes(tmp_path):
    written = sample.write(tmp_path, followers=100, seed=2)
    follows = pd.read_csv(written["follows"], dtype=str)
    assert (follows["followee"] == "founder").sum() == 100


def test_cli_writes_the_files(tmp_path):
    out = tmp_path / "net"
    res = CliRunner().invoke(main, ["sample", "--followers", "300", "--out", str(out), "--seed", "3",
                                    "--interactions", "5000", "--truth", str(tmp_path / "truth.csv")])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""                                                   # the summary goes to stderr
    assert "5,000 interactions" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert len(pd.read_csv(out / "interactions.csv")) == 5000
    truth = pd.read_csv(tmp_path / "truth.csv", dtype={"id": str})
    assert set(truth["kind"]) >= {"farm", "mass", "bought"}


def test_cli_parquet_and_quiet(tmp_path):
    res = CliRunner().invoke(main, ["sample", "--followers", "100", "--out", str(tmp_path), "--format", "parquet",
                                    "--quiet"])
    assert res.exit_code == 0 and res.stderr == "" and res.stdout == ""
    assert (tmp_path / "accounts.parquet").exists()


def test_cli_bad_end_date_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["sample", "--followers", "100", "--out", str(tmp_path), "--end", "soon"])
    assert res.exit_code == 2
    assert "end date" in res.stderr and "Traceback" not in res.output


def test_batch_imports_into_a_workspace(small):
    ws = innercircle.open(":memory:")
    result = ws.import_batch(small)
    assert result["counts"]["interactions"] == len(small.tables["interactions"])
    assert ws.owner == "founder"
    n_followers = ws.con.execute("SELECT count(DISTINCT follower) FROM follows WHERE followee = 'founder'").fetchall()
    assert n_followers[0][0] == 300
    kinds = ws.con.execute("SELECT count(DISTINCT kind) FROM interactions").fetchall()
    assert kinds[0][0] == len(KINDS)


def test_written_files_import_back_the_same_network(small, tmp_path):
    sample.write_batch(small, tmp_path)
    direct, from_files = innercircle.open(":memory:"), innercircle.open(":memory:")
    direct.import_batch(small)
    from_files.import_batch(generic.read(tmp_path), me="founder")
    for table in TABLES:
        cols = ", ".join(f'"{c}"' for c in TABLES[table])
        q = f"SELECT {cols} FROM {table} ORDER BY ALL"
        a, b = direct.con.execute(q).fetchall(), from_files.con.execute(q).fetchall()
        assert a == b, table
