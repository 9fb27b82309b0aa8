"""Event rules on short texts of our own: what is an event place, how it is typed, dated and merged."""
from datetime import date

import pytest

from geo._names import key
from geo.schema import COLUMNS

gazetteer = pytest.importorskip("geo.gazetteer")
from geo.extract import extract_paths, extract_text  # noqa: E402

PUB = date(2024, 6, 7)   # a Friday


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load_gazetteer()


def ev(text, gaz, pub=PUB):
    return extract_text(text, published=pub, source="test.txt", file="test.txt", gazetteer=gaz)


def names(events):
    """Place names by matching key (GeoNames spells Kupyansk, Balakliya)."""
    return sorted(key(e["location_name"]) for e in events)


def test_one_event_per_place_in_a_list(gaz):
    es = ev("Russian artillery shelled Kupiansk, Izium and the village of Balakliia on Thursday, "
            "regional officials said.", gaz)
    assert names(es) == sorted(key(n) for n in ["Balakliia", "Izium", "Kupiansk"])
    for e in es:
        assert e["event_date"] == "2024-06-06" and e["date_precision"] == "day"
        assert e["event_type"] == "strike" and e["weapon"] == "artillery" and e["actor"] == "RU"
        assert e["admin1"] == "Kharkiv Oblast" and e["geo_precision"] == "settlement"
        assert set(COLUMNS) <= set(e) and e["articles"] == ["test.txt"]
        # an article has no foreign label: the trigger words are an extra field, with the match kind
        assert e["event_type_original"] == "" and e["trigger"] == "shelled" and e["geocode_match"] == "exact"


@pytest.mark.parametrize("text", [
    "Air raid sirens sounded in Kyiv for two hours on Thursday.",
    "Moscow said the talks in Istanbul had failed.",
    "The convoy stopped 40 km from Kherson before turning back.",
    "President Zelensky visited Dnipro on Monday to meet commanders.",
    "Officials warned that Russia could strike Odesa again in the coming days.",
    "Hundreds of residents were evacuated from Vovchansk to Kharkiv.",
    "Ukrainian pilots trained on the jets at a base in Arizona last year.",
    "The city was captured by Russian forces in March 2022.",
    "Russian troops are massing near Kupiansk, officials warned, and an assault could come within days.",
    "Shelling damaged houses 12 km south of Kramatorsk on Thursday.",
    "The Sumy Oblast Military Administration reported 40 explosions on Thursday.",
])
def test_mentions_that_are_not_events(gaz, text):
    assert ev(text, gaz) == []


def test_region_event_and_russian_border_region(gaz):
    es = ev("Ukrainian drones hit an oil depot in Russia's Bryansk region overnight, the governor said.", gaz)
    assert len(es) == 1
    e = es[0]
    assert e["geo_precision"] == "region" and e["admin1"] == "Bryansk Oblast" and e["country"] == "RU"
    assert e["event_date"] == "2024-06-06" and e["actor"] == "UA"


def test_claim_and_destroyed_equipment(gaz):
    es = ev("Russia's defence ministry said on Friday that its forces had destroyed a U.S.-made HIMARS launcher "
            "near Kramatorsk.", gaz)
    assert len(es) == 1
    e = es[0]
    assert (e["location_name"], e["event_type"], e["status"], e["actor"], e["weapon"]) == \
        ("Kramatorsk", "destroyed_equipment", "claimed", "RU", "HIMARS")


def test_context_decides_namesakes_and_undated_events(gaz):
    es = ev("Russian forces attacked near Bilohorivka in Luhansk region.", gaz)
    assert len(es) == 1 and es[0]["admin1"] == "Luhansk Oblast"
    assert es[0]["event_date"] == PUB.isoformat() and es[0]["date_precision"] == "week"
    es = ev("Russian forces attacked near Bilohorivka in Donetsk oblast.", gaz)
    assert len(es) == 1 and es[0]["admin1"] == "Donetsk Oblast"


def test_same_incident_told_twice_is_one_event_and_followup_dates_it(gaz):
    es = ev("A missile struck a warehouse in Pavlohrad, local officials said.\n\n"
            "The strike on Pavlohrad happened on Wednesday, the governor added. Two workers were hurt in Pavlohrad.", gaz)
    assert len(es) == 1 and es[0]["event_date"] == "2024-06-05" and es[0]["evidence"].count("Pavlohrad") >= 2


def test_misspelling_resolves_with_warning(gaz, tmp_path):
    (tmp_path / "a.txt").write_text("date 2024-06-07 Shelling hit the village of Malotaranovka in Donetsk "
                                    "Oblast on Thursday, killing one man.\n", encoding="utf-8")
    res = extract_paths([tmp_path], gazetteer=gaz)
    assert res.articles[0]["published_from"] == "first-line"
    assert [e["location_name"] for e in res.events] == ["Malotaranivka"]
    assert res.events[0]["geocode_match"] == "exact"      # a GeoNames alternate spelling
    es = ev("Shelling hit the village of Malotaranovi in Donetsk Oblast on Thursday.", gaz)
    assert names(es) == [key("Malotaranivka")] and es[0]["geocode_match"] == "fuzzy"   # the popup says: guessed


def test_paths_publication_sources_and_cross_article_merge(gaz, tmp_path):
    (tmp_path / "one.txt").write_text("Russian missiles struck Zaporizhzhia on Thursday, damaging a factory.\n",
                                      encoding="utf-8")
    (tmp_path / "two.txt").write_text("A factory in Zaporizhzhia was damaged on Thursday when Russian missiles "
                                      "struck the city.\n", encoding="utf-8")
    (tmp_path / "three.txt").write_text("Russian drones attacked Sumy, officials said.\n", encoding="utf-8")
    (tmp_path / "articles.csv").write_text("file,published,url\none.txt,2024-06-07,https://news.test/one\n"
                                           "two.txt,2024-06-07,\n", encoding="utf-8")
    res = extract_paths([tmp_path], gazetteer=gaz)
    by_file = {a["file"]: a for a in res.articles}
    assert set(by_file) == {"one.txt", "two.txt", "three.txt"}
    assert by_file["one.txt"]["published_from"] == "table"
    assert by_file["three.txt"]["published_from"] == "none" and by_file["three.txt"]["warnings"]
    zap = [e for e in res.events if key(e["location_name"]) == key("Zaporizhzhia")]
    assert len(zap) == 1 and sorted(zap[0]["articles"]) == ["one.txt", "two.txt"]
    assert zap[0]["source"] == "https://news.test/one | two.txt"
    sumy = [e for e in res.events if e["location_name"] == "Sumy"]
    assert sumy and sumy[0]["event_date"] == "" and sumy[0]["date_precision"] == "unknown"
    res = extract_paths([tmp_path / "three.txt"], published=date(2024, 6, 1), gazetteer=gaz)
    assert res.articles[0]["published_from"] == "argument" and res.events[0]["event_date"] == "2024-06-01"


def test_since_is_not_background_and_blast_with_strike_is_strike(gaz):
    es = ev("Explosions rocked Melitopol, occupied by Russia since 2022, after a drone attack on Monday.", gaz)
    assert [(e["location_name"], e["event_type"], e["event_date"]) for e in es] == \
        [("Melitopol", "strike", "2024-06-03")]


def test_list_of_regions_and_shootdown_actor(gaz):
    es = ev("Ukraine's air force said it shot down 20 drones launched overnight over the Mykolaiv, Odesa and "
            "Kherson regions.", gaz)
    assert sorted(e["admin1"] for e in es) == ["Kherson Oblast", "Mykolaiv Oblast", "Odesa Oblast"]
    assert {(e["geo_precision"], e["actor"], e["status"]) for e in es} == {("region", "RU", "claimed")}


def test_semicolon_lists_and_reference_points(gaz):
    es = ev("Russian forces attacked northwest of Avdiivka near Berdychi and Semenivka; west of Avdiivka near "
            "Orlivka; and southwest of Avdiivka near Nevelske on Thursday.", gaz)
    assert names(es) == sorted(key(n) for n in ["Berdychi", "Semenivka", "Orlivka", "Nevelske"])
    assert {(e["event_type"], e["event_date"], e["admin1"]) for e in es} == {("attack", "2024-06-06", "Donetsk Oblast")}


def test_appositive_region_and_parenthesised_namesakes(gaz):
    es = ev("Shelling hit Mykolaivka (Donetsk Oblast) and Mykolaivka (Sumy Oblast) on Monday.", gaz)
    assert sorted(e["admin1"] for e in es) == ["Donetsk Oblast", "Sumy Oblast"]
    es = ev("The village of Bilohorivka, Luhansk Oblast, came under heavy artillery fire on Tuesday.", gaz)
    assert [(e["admin1"], e["event_date"]) for e in es] == [("Luhansk Oblast", "2024-06-04")]


# ---- possessive locatives, misspellings in locative slots, namesakes (own sentences)

def test_possessive_naming_a_part_of_the_place_is_a_location(gaz):
    es = ev("Russian drones hit Kharkiv's Saltivskyi district on Thursday, the mayor said.", gaz)
    assert [(e["location_name"], e["event_type"], e["actor"]) for e in es] == [("Kharkiv", "strike", "RU")]
    es = ev("Shelling damaged houses on Nikopol's southern outskirts overnight, the governor said.", gaz)
    assert names(es) == [key("Nikopol")]
    es = ev("Russian drones attacked Kherson's Dniprovskyi and Korabelnyi districts on Thursday.", gaz)
    assert names(es) == [key("Kherson")]          # the districts' names are no places of their own


@pytest.mark.parametrize("text", [
    "Moscow's claims that it shelled the port could not be verified.",
    "Kyiv's response to the shelling of the port was swift.",
])
def test_possessive_metonyms_stay_metonyms(gaz, text):
    assert ev(text, gaz) == []


def test_misspelling_in_a_locative_slot_resolves_near_the_other_places(gaz):
    es = ev("Russian artillery shelled Kramatrosk and Sloviansk on Thursday.", gaz)
    assert names(es) == sorted([key("Kramatorsk"), key("Slovyansk")])
    assert all(e["admin1"] == "Donetsk Oblast" for e in es)
    kr = next(e for e in es if key(e["location_name"]) == key("Kramatorsk"))
    assert kr["confidence"] < next(e for e in es if e is not kr)["confidence"]     # a guess is less sure
    es = ev("Russian forces shelled Pokrovsk and Myrnohrod on Thursday.", gaz)
    assert names(es) == sorted([key("Pokrovsk"), key("Myrnohrad")])
    assert all(e["admin1"] == "Donetsk Oblast" for e in es)        # Pokrovsk itself, not Engels (once Pokrovsk)


def test_misspelling_far_from_the_article_is_a_warning_not_an_event(gaz, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Ukrainian drones struck Belgorod and Malotaranovi on Thursday.", encoding="utf-8")
    res = extract_paths([f], published=PUB, gazetteer=gaz)
    assert names(res.events) == [key("Belgorod")]
    assert any("Malotaranovi" in w for w in res.articles[0]["warnings"])


def test_namesakes_scored_by_size_region_and_distance(gaz):
    # two Lymans lie ~80 km from Kupiansk: the town of 20,000 is meant, not the village
    es = ev("Russia's defence ministry said its forces had advanced near Kupiansk and destroyed a depot "
            "near Lyman.", gaz)
    ly = [e for e in es if key(e["location_name"]) == key("Lyman")]
    assert len(ly) == 1 and ly[0]["admin1"] == "Donetsk Oblast"
    # the article is about Luhansk region: its Rovenky, not a Russian village spelt alike closer to Svatove
    es = ev("Partisans blew up a rail bridge near Svatove in Luhansk region. A depot was struck in Rovenky "
            "on Thursday.", gaz)
    ro = [e for e in es if key(e["location_name"]) == key("Rovenky")]
    assert len(ro) == 1 and ro[0]["admin1"] == "Luhansk Oblast" and ro[0]["country"] == "UA"


# ---- incidents at one place, tallies since a day, what a lead's date covers (own sentences)

def test_two_incidents_at_one_place_stay_separate(gaz):
    es = ev("Russian forces launched a major assault on Avdiivka on Tuesday, attacking the town with tanks and "
            "infantry. Ukraine's military said it had destroyed 30 Russian tanks around Avdiivka since Tuesday.", gaz)
    got = sorted((e["event_type"], e["actor"], e["status"], e["date_precision"]) for e in es)
    assert got == [("attack", "RU", "reported", "day"), ("destroyed_equipment", "UA", "claimed", "week")]
    assert all(e["event_date"] == "2024-06-04" for e in es)


def test_lead_date_covers_a_roundup_not_a_single_incident(gaz):
    es = ev("Russian forces struck 12 communities in Sumy Oblast over the past day, the military administration "
            "said. Shelling was recorded in Krasnopillia and Myropillia.", gaz)
    assert {e["date_precision"] for e in es if e["geo_precision"] == "settlement"} == {"day"}
    es = ev("A Russian missile strike on Sumy on Wednesday killed five people. Russian forces also shelled "
            "Krasnopillia with mortars, the regional administration said.", gaz)
    by = {key(e["location_name"]): e for e in es}
    assert by[key("Sumy")]["date_precision"] == "day" and by[key("Sumy")]["event_date"] == "2024-06-05"
    assert by[key("Krasnopillia")]["date_precision"] == "week"


def test_text_saying_it_gives_no_date_is_not_dated_by_the_lead(gaz):
    es = ev("Russian forces carried out 40 strikes on Tuesday, officials said. Russian troops also attacked "
            "near Synkivka, the General Staff said, without giving a date.", gaz)
    assert len(es) == 1 and (es[0]["event_date"], es[0]["date_precision"]) == (PUB.isoformat(), "week")
    es = ev("Russian forces carried out 40 strikes on Tuesday, officials said. Russian troops also attacked "
            "near Synkivka, the General Staff said.", gaz)
    assert len(es) == 1 and (es[0]["event_date"], es[0]["date_precision"]) == ("2024-06-04", "day")


def test_namesake_without_population_near_the_article_places(gaz):
    # a village known only from KATOTTG (no population) near Kupiansk beats a bigger namesake 470 km away
    es = ev("Russian troops attacked near Kupiansk on Tuesday. Russian troops also attacked near Synkivka.", gaz)
    sy = [e for e in es if key(e["location_name"]) != key("Kupyansk")]
    assert len(sy) == 1 and sy[0]["admin1"] == "Kharkiv Oblast"


# ---- claimed vs reported: a side's own success is a claim, its word on the enemy's deeds a report

@pytest.mark.parametrize("text,want", [
    ("Russian troops attacked near Chasiv Yar on Thursday, Ukraine's General Staff said.",
     ("attack", "RU", "reported")),
    ("Ukraine's General Staff said its forces had repelled Russian assaults near Chasiv Yar on Thursday.",
     ("attack", "RU", "claimed")),
    ("Ukrainian forces struck a Russian command post in Melitopol on Thursday, Russian military bloggers claimed.",
     ("strike", "UA", "reported")),
    ("Ukraine's Southern Defence Forces said they had destroyed a Russian ammunition depot near Nova Kakhovka "
     "on Thursday.", ("strike", "UA", "claimed")),          # a depot is a site struck, not equipment
])
def test_claimed_only_for_the_speakers_own_success(gaz, text, want):
    es = ev(text, gaz)
    assert [(e["event_type"], e["actor"], e["status"]) for e in es] == [want]


# ---- actors: passive reports take the article's attribution; foiled attacks are the attackers'

def test_passive_reports_take_the_articles_attribution(gaz):
    es = ev("Russian forces shelled 11 settlements in Kharkiv Oblast, the governor said. Shelling was recorded "
            "in Kupiansk and Vovchansk. Missiles hit an energy facility in Lozova.", gaz)
    assert sorted((key(e["location_name"]), e["actor"]) for e in es if e["geo_precision"] == "settlement") == \
        sorted([(key("Kupyansk"), "RU"), (key("Vovchansk"), "RU"), (key("Lozova"), "RU")])
    # both sides named as attackers alike: no guess
    es = ev("Russian drones and Ukrainian artillery were active overnight. Shelling was recorded in Vovchansk.", gaz)
    assert [e["actor"] for e in es] == [""]


def test_foiled_attack_belongs_to_the_attackers_and_bulletin_side_to_its_claims(gaz):
    es = ev("Russia's Defence Ministry said its troops had destroyed a Ukrainian sabotage group that tried to "
            "cross the border near Tyotkino.", gaz)
    assert [(e["event_type"], e["actor"], e["status"]) for e in es] == [("attack", "UA", "claimed")]
    es = ev("Russian Defence Ministry briefing, June 6. Near Kurakhovo, a U.S.-made Bradley infantry fighting "
            "vehicle was destroyed, the ministry said.", gaz)
    assert [(e["event_type"], e["actor"], e["status"], e["weapon"]) for e in es] == \
        [("destroyed_equipment", "RU", "claimed", "Bradley")]


# ---- weapons: the instrument named, the equipment by its place, specific names never replaced by classes

@pytest.mark.parametrize("text,want", [
    ("Russian forces shelled Bilopillia with mortars on Thursday, the governor said.", {"Bilopillia": "mortar"}),
    ("Shelling, mortar fire and drone strikes were recorded in Bilopillia on Thursday.", {"Bilopillia": "artillery"}),
    ("The ministry said on Thursday its forces had destroyed a HIMARS launcher near Kostiantynivka and two Leopard "
     "tanks near Toretsk.", {"Kostiantynivka": "HIMARS", "Toretsk": "Leopard"}),
    ("Near Siversk, a Bradley fighting vehicle was destroyed on Thursday, and an S-300 launcher was destroyed near "
     "Kramatorsk, the Russian defence ministry said.", {"Siversk": "Bradley", "Kramatorsk": "S-300"}),
    ("Ukrainian forces said they destroyed two Russian howitzers near Oleshky on Thursday.", {"Oleshky": "howitzer"}),
    ("A Russian Iskander-M missile hit the port of Odesa on Thursday. The strike on Odesa's port was the third "
     "this month. Russia has used Shahed drones against Mykolaiv.", {"Odesa": "Iskander-M"}),
    ("A Russian Iskander missile hit a factory in Zaporizhzhia on Thursday. Russian artillery also shelled "
     "Kherson on Thursday.", {"Zaporizhzhia": "Iskander", "Kherson": "artillery"}),
])
def test_weapons(gaz, text, want):
    got = {key(e["location_name"]): e["weapon"] for e in ev(text, gaz)}
    assert {k: got.get(key(k)) for k in want} == want


def test_destroyed_equipment_only_one_side_fields_names_the_other_as_actor(gaz):
    es = ev("The ministry said on Thursday its forces had destroyed a HIMARS launcher near Kostiantynivka.", gaz)
    assert [(e["actor"], e["status"]) for e in es] == [("RU", "claimed")]


# ---- infrastructure leading to a place, ongoing campaigns, victims' side

def test_bridge_leading_to_a_place_is_struck_near_it_week_precise(gaz):
    es = ev("Ukrainian forces struck the railway bridge leading to Nova Kakhovka over the past week, officials said.", gaz)
    assert [(key(e["location_name"]), e["actor"], e["date_precision"]) for e in es] == [(key("Nova Kakhovka"), "UA", "week")]


def test_ongoing_campaign_in_the_progressive_passive_is_no_incident(gaz):
    assert ev("Partisans claim that in Melitopol, occupiers are being hunted, ambushed and bombed.", gaz) == []


def test_side_adjective_of_a_passive_subject_is_the_target(gaz):
    es = ev("In Melitopol, a Russian checkpoint was bombed on Thursday, partisans said.", gaz)
    assert [e["actor"] for e in es] == ["UA"]
    es = ev("A Russian missile was fired at Odesa on Thursday.", gaz)
    assert [e["actor"] for e in es] == ["RU"]


def test_evidence_prefers_prose_over_captions_and_credit_lines(gaz):
    text = ("Russian missiles hit an apartment block in Kryvyi Rih on Thursday, killing three people, the governor said.\n\n"
            "Rescuers at the damaged block in Kryvyi Rih (AFP via Getty Images) https://example.org/photo/1")
    es = ev(text, gaz)
    assert len(es) == 1 and "apartment block" in es[0]["evidence"]
    assert "http" not in es[0]["evidence"] and "Getty" not in es[0]["evidence"]
    es = ev("Houses destroyed by shelling in Kryvyi Rih (AFP via Getty Images)", gaz)
    assert len(es) == 1 and "Getty" in es[0]["evidence"]       # nothing else tells it


def test_the_town_refers_to_the_settlement_just_named(gaz):
    es = ev("Russian troops stormed Chasiv Yar on Thursday, a Ukrainian commander said. Russian aircraft also "
            "dropped guided bombs on the town on Thursday, destroying a school.", gaz)
    got = sorted((key(e["location_name"]), e["event_type"], e["weapon"]) for e in es)
    assert got == [(key("Chasiv Yar"), "attack", ""), (key("Chasiv Yar"), "strike", "guided aerial bomb")]
    # a repeat of the same strike merges; a town in another paragraph is not an antecedent
    es = ev("A Russian missile hit Kramatorsk on Thursday. The missile hit the city centre on Thursday.", gaz)
    assert len(es) == 1
    es = ev("A Russian missile hit Kramatorsk on Thursday.\n\nLater, shelling hit the town.", gaz)
    assert len(es) == 1


def test_possessor_is_not_the_actor(gaz):
    es = ev("The attack on Zelenskyy's hometown Kryvyi Rih killed two on Thursday.", gaz)
    assert [(key(e["location_name"]), e["actor"]) for e in es] == [(key("Kryvyy Rih"), "")]
    es = ev("Russia's forces shelled Kherson on Thursday.", gaz)
    assert [e["actor"] for e in es] == ["RU"]


def test_second_place_of_a_list_keeps_the_lists_trigger(gaz):
    es = ev("Fighting continued in Russia's Kursk region on Monday. Russia's Defence Ministry said on Monday it had "
            "repelled attempts by Ukrainian units to break through near Tyotkino and Glushkovo and destroyed five "
            "Ukrainian armoured vehicles in the Kursk region, without saying where.", gaz)
    got = {(e["geo_precision"], e["event_type"]) for e in es}
    assert ("settlement", "destroyed_equipment") not in got
    gl = [e for e in es if key(e["location_name"]) == key("Glushkovo")]
    assert [(e["event_type"], e["actor"], e["status"]) for e in gl] == [("attack", "UA", "claimed")]


def test_far_namesake_is_flagged(gaz, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Russian guided bombs struck Kharkiv on Thursday, officials said, including a strike on "
                 "Pyatykhatky.", encoding="utf-8")
    res = extract_paths([f], published=PUB, gazetteer=gaz)
    far = [e for e in res.events if e["admin1"] != "Kharkiv Oblast"]
    assert all(e["confidence"] < 0.6 for e in far)
    assert not far or any("Pyatykhatky" in w for w in res.articles[0]["warnings"])


def test_next_sentence_explains_a_casualty_only_event(gaz):
    es = ev("In the city of Kursk, part of an apartment block collapsed on Sunday, killing four people. Russia's "
            "Defence Ministry said the building had been hit by fragments of a Ukrainian Tochka-U missile.", gaz)
    assert [(e["event_type"], e["weapon"], e["actor"], e["status"]) for e in es] == \
        [("strike", "Tochka-U", "UA", "claimed")]
    assert "Tochka-U" in es[0]["evidence"]


# ---- round 2: datelines, background, organisation names, purpose clauses, passive lists (own sentences)

def test_wire_dateline_lead_is_body_and_old_background_in_it_is_no_event(gaz):
    es = ev("ODESA, Ukraine (AP) - Russia's defence ministry said Thursday its troops had retaken Vovchansk, "
            "the town Ukrainian forces seized in their incursion into the Belgorod region last September.", gaz)
    assert names(es) == [key("Vovchansk")] and es[0]["event_date"] == "2024-06-06"


def test_campaign_start_and_purpose_clause_are_not_event_places(gaz):
    es = ev("Ukraine's incursion into Bryansk Oblast, which began on March 3, has not changed the front.", gaz,
            pub=date(2024, 6, 7))
    assert es == []
    es = ev("Partisans blew up a rail bridge in occupied Tokmak on Monday, cutting a line used to supply "
            "troops in Crimea.", gaz)
    assert names(es) == [key("Tokmak")]


def test_city_administration_and_regional_governor_are_no_places(gaz):
    es = ev("A drone hit a house in Bilozerka, the Kherson City Military Administration said; two people were injured.", gaz)
    assert names(es) == [key("Bilozerka")]
    es = ev("A drone attack caused a fire at a depot in Novoshakhtinsk, Rostov regional governor Vasily Petrov said. "
            "No one was hurt.", gaz)
    assert names(es) == [key("Novoshakhtinsk")]


def test_first_item_of_a_passive_list_and_night_dates(gaz):
    es = ev("Marhanets and Pokrov were shelled with heavy artillery throughout the night.", gaz)
    assert names(es) == sorted([key("Marhanets"), key("Pokrov")])
    assert all(e["event_date"] == "2024-06-06" and e["date_precision"] == "day" for e in es)


def test_strike_on_the_port_of_an_occupied_town_and_downed_drones_side(gaz):
    es = ev("A Ukrainian missile strike on the port of occupied Skadovsk on Monday destroyed a warehouse.", gaz)
    assert names(es) == [key("Skadovsk")] and es[0]["actor"] == "UA"
    es = ev("Russia's defence ministry said air defences had destroyed 12 Ukrainian drones over the Kursk region.", gaz)
    assert len(es) == 1 and es[0]["actor"] == "UA" and es[0]["status"] == "claimed"


def test_caption_showing_the_aftermath_repeats_the_incident(gaz):
    es = ev("Russian troops shelled Nikopol overnight, damaging a school.\n\n"
            "Photo: Residents clear debris outside a damaged building in Nikopol on June 7, 2024. (City Council)", gaz)
    assert names(es) == [key("Nikopol")] and es[0]["event_date"] == "2024-06-06"


def test_old_soviet_name_follows_the_article_region(gaz):
    # a big Russian city of that name lies far away: the Donetsk town once called so is meant
    es = ev("Russian units struck Ukrainian positions near Chasiv Yar and Dzerzhinsk, the ministry said.", gaz)
    assert names(es) == sorted([key("Chasiv Yar"), key("Toretsk")])
    assert all(e["admin1"] == "Donetsk Oblast" for e in es)
    es = ev("A drone hit a factory in Dzerzhinsk on Thursday, the regional governor said.", gaz)
    assert [e["country"] for e in es] == ["RU"]          # no context: the city by its own name


def test_region_lists_over_territories_districts_and_damage(gaz):
    es = ev("Air defence shot down 12 Ukrainian unmanned aerial vehicles over the territories of the Oryol, "
            "Kursk and Voronezh regions on Thursday, the ministry said.", gaz)
    assert sorted(e["admin1"] for e in es) == ["Kursk Oblast", "Oryol Oblast", "Voronezh Oblast"]
    assert all(e["geo_precision"] == "region" and e["weapon"] == "drone" and e["actor"] == "UA" for e in es)
    es = ev("A drone damaged a power line in the Izmail district on Thursday.", gaz)
    assert [(e["admin1"], e["geo_precision"]) for e in es] == [("Odesa Oblast", "region")]
    es = ev("In Kharkiv, a drone hit a house in the Kyivskyi district on Thursday.", gaz)   # a city's district
    assert names(es) == [key("Kharkiv")]
    es = ev("Damage to energy infrastructure was recorded in Poltava Oblast on Thursday.", gaz)
    assert [e["admin1"] for e in es] == ["Poltava Oblast"]


def test_came_under_fire_night_of_and_a_day_earlier(gaz):
    es = ev("This morning the city of Kupiansk came under fire from multiple rocket launchers.", gaz)
    assert names(es) == [key("Kupiansk")] and es[0]["event_type"] == "strike" and es[0]["weapon"] == "MLRS"
    es = ev("On the night of June 7 (from 19:00 on June 6), the enemy attacked with missiles.\n\n"
            "As a result, a missile hit an enterprise in Kryvyi Rih.", gaz)
    assert names(es) == [key("Kryvyi Rih")] and es[0]["date_precision"] == "day"
    es = ev("Ukrainian drones hit an oil depot in Alchevsk on Thursday. A day earlier, a missile hit a plant in "
            "Stakhanov, a city Ukraine renamed Kadiivka in 2016.", gaz)
    kad = [e for e in es if e["admin1"] == "Luhansk Oblast" and key(e["location_name"]) != key("Alchevsk")]
    assert len(kad) == 1 and kad[0]["event_date"] == "2024-06-05"


def test_the_enemy_of_a_military_voice_and_passive_victims(gaz):
    es = ev("General Staff update. Ukrainian defenders repelled 12 enemy attacks near Pokrovsk on Thursday. "
            "The enemy attacked our positions near Toretsk three times.", gaz)
    assert sorted((key(e["location_name"]), e["actor"]) for e in es) == sorted(
        [(key("Pokrovsk"), "RU"), (key("Toretsk"), "RU")])
    es = ev("Units of the Zapad group of forces repelled four attacks by assault groups of the Armed Forces of "
            "Ukraine near Kupiansk on Thursday, the Russian Defence Ministry said.", gaz)
    assert [e["actor"] for e in es] == ["UA"] and es[0]["status"] == "claimed"
    es = ev("Near Lyman, an ammunition depot of the Ukrainian army was destroyed on Thursday.", gaz)
    assert [e["actor"] for e in es] == ["RU"]


def test_roundup_day_scope_dates_its_undated_events(gaz):
    es = ev("General Staff update\n\nAs of 08:00 on June 7, 120 combat engagements took place over the past day.\n\n"
            "In the Pokrovsk direction, the enemy attacked our positions near Myrnohrad.", gaz)
    assert names(es) == [key("Myrnohrad")] and es[0]["date_precision"] == "day" and es[0]["event_date"] == "2024-06-07"
    es = ev("Belgorod region. About the situation by the end of the day.\n\n"
            "In Shebekino, a kamikaze drone attacked a commercial building.", gaz)
    assert names(es) == [key("Shebekino")] and (es[0]["event_date"], es[0]["date_precision"]) == ("2024-06-07", "day")
    es = ev("In Shebekino, a kamikaze drone attacked a commercial building.", gaz)     # nothing says which day
    assert es[0]["date_precision"] == "week"


def test_models_cluster_munitions_and_partisan_sabotage(gaz):
    es = ev("Units of the Vostok group destroyed a U.S.-made M777 howitzer near Vuhledar, the Russian defence "
            "ministry said.", gaz)
    assert [(e["event_type"], e["weapon"]) for e in es] == [("destroyed_equipment", "M777")]
    es = ev("In Sloviansk, a Russian cluster munition strike damaged a school on Tuesday.", gaz)
    assert [e["weapon"] for e in es] == ["cluster munition"]
    es = ev("Ukrainian partisans said on Thursday they had blown up a railway track in occupied Tokmak.", gaz)
    assert [(e["event_type"], e["status"], e["actor"]) for e in es] == [("attack", "claimed", "UA")]
    es = ev("An ammunition depot exploded in occupied Tokmak on Thursday.", gaz)        # no agent: a blast
    assert [e["event_type"] for e in es] == ["explosion"]


def test_governor_of_a_region_reporting_attacks_in_the_region(gaz):
    es = ev("Kharkiv Oblast Governor Oleh Ivanov said Russian forces had shelled 14 settlements in the region "
            "over the past day, without naming them.", gaz)
    assert [(e["admin1"], e["geo_precision"]) for e in es] == [("Kharkiv Oblast", "region")]
    es = ev("Kharkiv Oblast Governor Oleh Ivanov said a drone hit Kupiansk on Thursday.", gaz)   # only the town
    assert names(es) == [key("Kupiansk")]


def test_geocode_match_for_a_village_with_its_own_point(gaz):
    # (Robotyne was a KATOTTG-only village placed at its hromada, "approximate"; the joined GeoNames
    # table now gives it its own point)
    es = ev("Russian forces attacked near Robotyne in Zaporizhzhia Oblast on Thursday.", gaz)
    assert names(es) == [key("Robotyne")] and es[0]["geocode_match"] == "exact"
    assert es[0]["event_type_original"] == "" and es[0]["trigger"] == "attacked"


def test_tabloid_verbs_and_hours_earlier(gaz):
    es = ev("In Crimea, Kyiv's military intelligence said ATACMS missiles slammed into the Saky airfield on the night of June 5, "
            "wrecking two Su-27 fighter jets. Hours earlier, a barrage hit the Dzhankoi airbase, knocking out an S-400 "
            "launcher, Ukrainian military sources boasted.", gaz)
    got = {key(e["location_name"]): (e["event_type"], e["event_date"], e["status"], e["actor"]) for e in es}
    assert len(got) == 2 and all(v == ("destroyed_equipment", "2024-06-05", "claimed", "UA") for v in got.values())


def test_a_warehouse_of_boats_is_a_depot_strike_not_destroyed_equipment(gaz):
    es = ev("High-precision weapons struck a warehouse of unmanned boats in Ochakiv on Thursday, the Russian "
            "defence ministry said.", gaz)
    assert [(e["event_type"], e["status"]) for e in es] == [("strike", "claimed")]
    es = ev("Russian forces destroyed two unmanned boats near Ochakiv on Thursday, the Russian defence ministry said.", gaz)
    assert [e["event_type"] for e in es] == ["destroyed_equipment"]


def test_shot_down_missiles_of_a_known_side(gaz):
    es = ev("Air defence means shot down two ATACMS missiles over the Kherson region on Thursday, the Russian "
            "defence ministry said.", gaz)
    assert [(e["admin1"], e["actor"], e["status"]) for e in es] == [("Kherson Oblast", "UA", "claimed")]


def test_partisans_deeds_told_by_the_other_side_are_reported(gaz):
    # Russian officials telling of partisans' deeds report them; they claim nothing of their own
    es = ev("Ukrainian partisans blew up a railway track in occupied Tokmak on Thursday, Russian-installed officials said.", gaz)
    assert [(e["event_type"], e["status"]) for e in es] == [("attack", "reported")]


def test_direction_lists_are_front_sectors_not_places(gaz):
    es = ev("In the Kupiansk and Lyman directions, the enemy shelled positions and attacked twice; "
            "no changes were recorded.", gaz)
    assert es == []


def test_city_districts_of_x_give_x(gaz):
    es = ev("Russian drones struck the Saltivskyi and Kyivskyi districts of Kharkiv overnight, officials said.", gaz)
    assert names(es) == [key("Kharkiv")]


def test_memorial_held_in_a_city_is_no_event(gaz):
    es = ev("A funeral for the victims of Monday's missile strike was held in Poltava on Thursday.", gaz)
    assert es == []


def test_near_the_oblast_border_and_across_the_river_are_no_places(gaz):
    es = ev("Russia has stepped up its strikes on villages near the Kharkiv Oblast border in recent weeks.", gaz)
    assert es == []
    es = ev("In Kherson, across the Dnipro, Russian shelling damaged a school on Thursday.", gaz)
    assert names(es) == [key("Kherson")]


def test_headline_attacks_merge_with_the_body_strikes(gaz):
    es = ev("Russian attacks on Kharkiv Oblast injure 3 in Kupiansk\n\n"
            "On Thursday, a Russian guided aerial bomb hit Kupiansk, injuring three people, the governor said.", gaz)
    assert names(es) == [key("Kupiansk")]
    assert es[0]["event_type"] == "strike" and es[0]["event_date"] == "2024-06-06"


def test_moscows_defence_ministry_is_a_russian_claim(gaz):
    es = ev("Moscow's Defence Ministry said its air defences shot down 20 Ukrainian drones over the Kursk region "
            "overnight.", gaz)
    assert [e["status"] for e in es] == ["claimed"] and es[0]["actor"] == "UA"


def test_region_list_with_a_headline_region_keeps_the_interception_claim(gaz):
    es = ev("Ukrainian drones hit railway depot in Russia's Kursk region\n\n"
            "Ukrainian drones struck the railway depot in the town of Lgov in Russia's Kursk region overnight, "
            "the governor said on Friday.\n\n"
            "Russia's Defence Ministry said air defences destroyed 20 Ukrainian drones over the Kursk and "
            "Belgorod regions overnight.", gaz)
    regions = sorted(e["location_name"] for e in es if e["geo_precision"] == "region")
    assert regions == ["Belgorod Oblast", "Kursk Oblast"]
    assert all(e["status"] == "claimed" for e in es if e["geo_precision"] == "region")


def test_debris_falling_on_a_town_and_a_seaside_resort(gaz):
    es = ev("In the Lipetsk region, drone debris fell on an industrial zone in Yelets overnight, the governor said.", gaz)
    assert names(es) == [key("Yelets")] and es[0]["weapon"] == "drone"
    es = ev("Blasts rocked the seaside resort of Yevpatoria on Thursday.", gaz)
    assert len(es) == 1 and es[0]["admin1"] == "Autonomous Republic of Crimea"


def test_headline_region_summary_folds_into_the_dated_settlement(gaz):
    es = ev("Ukrainian drones blitz Crimean airbase\n\n"
            "Ukraine's SBU said its drones hit the Saky airfield in occupied Crimea on Wednesday night, "
            "destroying two aircraft.", gaz)
    assert [e["geo_precision"] for e in es] == ["settlement"]


def test_a_town_by_its_own_name_beats_a_place_once_so_called(gaz):
    es = ev("Russian forces attacked near Lyman on Thursday. Separately, Russian artillery shelled Huliaipole "
            "and Velyka Novosilka, officials said.", gaz)
    ly = [e for e in es if key(e["location_name"]) == key("Lyman")]
    assert len(ly) == 1 and abs(ly[0]["latitude"] - 48.99) < 0.1 and abs(ly[0]["longitude"] - 37.80) < 0.1


def test_attempts_to_advance_counted_and_day_scoped_roundups(gaz):
    es = ev("Since the beginning of the day, 80 combat engagements have taken place.\n\n"
            "The occupiers tried 12 times to advance towards Pokrovsk; our units are holding the line.", gaz)
    assert names(es) == [key("Pokrovsk")]
    assert es[0]["event_type"] == "attack" and es[0]["date_precision"] == "day"


def test_an_earlier_strike_on_the_same_neighbourhood_is_its_own_event(gaz):
    es = ev("A Russian missile struck Poltava on Friday morning, damaging a school, the governor said.\n\n"
            "Residents were still clearing rubble from Tuesday, when a Russian drone hit the same neighbourhood, "
            "injuring five people.", gaz)
    assert sorted(e["event_date"] for e in es) == ["2024-06-04", "2024-06-07"]
    assert names(es) == [key("Poltava")] * 2


def test_footage_of_destroyed_vehicles_is_evidence_of_the_fighting_there(gaz):
    es = ev("Russian forces attacked near Pokrovsk on June 6.\n\n"
            "Geolocated footage published on June 5 shows Russian armoured vehicles destroyed on the road south of "
            "Pokrovsk.", gaz)
    assert len(es) == 1 and es[0]["event_type"] == "attack" and es[0]["event_date"] == "2024-06-06"
    assert "footage" in es[0]["evidence"]


def test_blasts_rocking_a_town_are_an_explosion_and_assaults_by_the_occupiers(gaz):
    es = ev("Blasts rocked the port city of Berdiansk on Thursday, residents said.", gaz)
    assert [e["event_type"] for e in es] == ["explosion"]
    es = ev("Ukrainian defenders repelled three assaults by the occupiers near Huliaipole on Thursday.", gaz)
    assert [e["actor"] for e in es] == ["RU"] and es[0]["event_type"] == "attack"


def test_wire_dateline_lead_keeps_its_evidence_and_the_back_reference_merges(gaz):
    es = ev("ODESA, Ukraine, June 7 (Reuters) - Russian attack drones struck the Prymorskyi and Kyivskyi districts "
            "of Odesa overnight, wounding five people, the mayor said.\n\n"
            "The Kremlin did not comment on the Odesa attack.", gaz)
    assert names(es) == [key("Odesa")]
    assert es[0]["event_type"] == "strike" and es[0]["weapon"] == "drone"
    assert es[0]["evidence"].startswith("ODESA, Ukraine")


def test_a_direction_name_means_its_notable_namesake(gaz):
    es = ev("In the Orikhiv direction, Ukrainian defenders repelled two assaults near Stepnohirsk.\n\n"
            "In the Novopavlivka direction, the occupiers tried 17 times to advance towards Novopavlivka.", gaz)
    nv = [e for e in es if key(e["location_name"]) == key("Novopavlivka")]
    assert len(nv) == 1 and nv[0]["admin1"] == "Dnipropetrovsk Oblast"


def test_x_in_y_district_was_shelled_with_mlrs(gaz):
    es = ev("Trostianets in Okhtyrka district was shelled with multiple-launch rocket systems on Wednesday, "
            "damaging a hospital.", gaz)
    assert names(es) == [key("Trostyanets")] and es[0]["weapon"] == "MLRS" and es[0]["event_date"] == "2024-06-05"


def test_a_country_in_an_army_name_does_not_cut_the_clause(gaz):
    es = ev("Russia's Defence Ministry said that in the past 24 hours a Leopard tank and a howitzer of the Armed "
            "Forces of Ukraine were destroyed near Kurakhove.", gaz)
    assert len(es) == 1 and es[0]["event_type"] == "destroyed_equipment" and es[0]["weapon"] == "Leopard"
