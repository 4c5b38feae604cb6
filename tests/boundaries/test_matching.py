"""The dual-relationship matcher: what counts as a match, what must not, and that the fast index
finds exactly what comparing every pair would find."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frame.boundaries import matching
from frame.boundaries.matching import Field, How, Index, Record, compare_records, compare_values

SAME, WHOLE, INITIAL, ONE = How.SAME, How.FIRST_AND_FAMILY, How.INITIAL, How.ONE_LETTER

# (field, one value, the other, how they match)
MATCHES = [
    # Names: case, accents, spacing, hyphens, apostrophes, order
    (Field.NAME, "John Smith", "JOHN SMITH", SAME),
    (Field.NAME, "Zoë Brontë", "Zoe Bronte", SAME),
    (Field.NAME, "Ólafur Jónsson", "olafur jonsson", SAME),
    (Field.NAME, "  John   Smith ", "John Smith", SAME),
    (Field.NAME, "Anne-Marie Smith", "Anne Marie Smith", SAME),
    (Field.NAME, "Annemarie Smith", "Anne–Marie Smith", SAME),  # noqa: RUF001 (an en dash)
    (Field.NAME, "Siobhán O'Neill", "siobhan oneill", SAME),
    (Field.NAME, "Siobhan O’Neill", "Siobhan O'Neill", SAME),  # noqa: RUF001 (a curly apostrophe)
    (Field.NAME, "Mary Smith-Jones", "Mary Smith Jones", SAME),
    (Field.NAME, "Smith, John", "John Smith", SAME),
    # Initials, with exactly the same family name
    (Field.NAME, "J. Smith", "John Smith", INITIAL),
    (Field.NAME, "J Smith", "Jane Smith", INITIAL),
    (Field.NAME, "j.smith", "Jo Smith", INITIAL),
    # Middle names are ignored
    (Field.NAME, "Mary Ann Jones", "Mary Jones", WHOLE),
    (Field.NAME, "Anne Marie Smith", "Anne Smith", WHOLE),
    # One letter: changed, added, dropped, swapped
    (Field.NAME, "John Smith", "John Smyth", ONE),
    (Field.NAME, "John Smith", "John Smiths", ONE),
    (Field.NAME, "John Smith", "John Smit", ONE),
    (Field.NAME, "John Smith", "John Smtih", ONE),
    (Field.NAME, "Jon Smith", "John Smith", ONE),  # three letters: a letter added is allowed
    (Field.NAME, "Sara Lee", "Sarah Lee", ONE),
    (Field.NAME, "Amy Lee", "Amy Lees", ONE),
    (Field.NAME, "Mohammed Khan", "Muhammed Khan", ONE),
    (Field.NAME, "Priya Shah", "Priya Sha h", SAME),
    # Exact fields, after tidying
    (Field.EMAIL, " Alex.Marr@Example.org ", "alex.marr@example.org", SAME),
    (Field.PHONE, "+44 7700 900123", "07700 900123", SAME),
    (Field.PHONE, "0044 (0)7700-900-123", "07700900123", SAME),
    (Field.PHONE, "+44 (0)20 7946 0958", "020 7946 0958", SAME),
    (Field.POSTCODE, "bs1 4dj", "BS14DJ", SAME),
    (Field.POSTCODE, " BS1  4DJ", "bs1 4dj", SAME),
    # Organisations
    (Field.ORGANISATION, "The Hillside Surgery Ltd", "Hillside Surgery", SAME),
    (Field.ORGANISATION, "Marks & Spencer", "Marks and Spencer plc", SAME),
    (Field.ORGANISATION, "Hill Side Surgery", "Hillside Surgery", SAME),
    (Field.ORGANISATION, "Ridgeway Rowing Club", "Ridgway Rowing Club", ONE),
]

NON_MATCHES = [
    # Near misses: two differences, or one difference in a word too short to allow it
    (Field.NAME, "Ann Smith", "Anna Smyth"),
    (Field.NAME, "Jon Smith", "Joan Smythe"),
    (Field.NAME, "Jan Smith", "Jon Smith"),  # three letters: a changed letter is not allowed
    (Field.NAME, "Tom Lee", "Tim Lee"),
    (Field.NAME, "Bob Dylan", "Rob Dylan"),
    (Field.NAME, "Amy Ng", "Amy Ngo"),  # under three letters: nothing may differ
    (Field.NAME, "Li Wei", "Lin Wei"),
    (Field.NAME, "Chris Evans", "Kris Evans"),
    (Field.NAME, "Sean Brown", "Shaun Brown"),
    (Field.NAME, "John Smith", "John Smithson"),
    (Field.NAME, "John Smith", "Jane Smith"),
    (Field.NAME, "Sarah Cole", "Sara Coles"),
    # An initial needs exactly the same family name
    (Field.NAME, "J. Smyth", "John Smith"),
    (Field.NAME, "J Smith", "J Smyth"),
    (Field.NAME, "J Smith", "K Smith"),
    # A hyphenated given name is one name
    (Field.NAME, "Anne-Marie Smith", "Anne Smith"),
    # One word identifies nobody
    (Field.NAME, "Dave", "Dave"),
    (Field.NAME, "Dave", "Dave Jones"),
    (Field.NAME, "", ""),
    # Exact fields
    (Field.EMAIL, "alex.marr@example.org", "alexmarr@example.org"),
    (Field.EMAIL, "", ""),
    (Field.EMAIL, "not an address", "not an address"),
    (Field.PHONE, "07700 900123", "07700 900124"),
    (Field.PHONE, "900123", "900123"),  # too short to tell anyone apart
    (Field.PHONE, "+33 1 23 45 67 89", "01 23 45 67 89"),  # France, not the UK
    (Field.POSTCODE, "BS1 4DJ", "BS1 4DK"),
    (Field.POSTCODE, "BS1", "BS1"),
    (Field.ORGANISATION, "NHS", "NHSX"),  # short: must match exactly
    (Field.ORGANISATION, "Tesco", "Tesla"),
    (Field.ORGANISATION, "The Ltd", "Ltd"),
]


@pytest.mark.parametrize(("field", "a", "b", "how"), MATCHES)
def test_these_match(field: Field, a: str, b: str, how: How) -> None:
    assert compare_values(field, a, b) == how
    assert compare_values(field, b, a) == how


@pytest.mark.parametrize(("field", "a", "b"), NON_MATCHES)
def test_these_do_not_match(field: Field, a: str, b: str) -> None:
    assert compare_values(field, a, b) is None
    assert compare_values(field, b, a) is None


@pytest.mark.parametrize(("field", "a", "b", "how"), MATCHES)
def test_the_index_finds_every_match_in_the_table(field: Field, a: str, b: str, how: How) -> None:
    values = {
        Field.NAME: "names",
        Field.EMAIL: "emails",
        Field.PHONE: "phones",
        Field.POSTCODE: "postcodes",
        Field.ORGANISATION: "organisations",
    }[field]
    index = Index([Record(ref="them", **{values: (b,)})])
    found = index.search(Record(ref="enquiry", **{values: (a,)}))
    assert [(m.record, m.field, m.how) for m in found] == [("them", field, how)]


def test_one_letter_apart_follows_the_length_rules() -> None:
    assert matching.one_letter_apart("smith", "smyth")
    assert matching.one_letter_apart("jon", "john")  # added to a three-letter word
    assert not matching.one_letter_apart("jon", "jan")  # changed in a three-letter word
    assert not matching.one_letter_apart("li", "lin")  # added to a two-letter word
    assert not matching.one_letter_apart("smith", "smith")
    assert not matching.one_letter_apart("smith", "smiths!")
    assert matching.one_letter_apart("smtih", "smith")
    assert not matching.one_letter_apart("mtish", "smith")


def test_a_record_matches_on_every_field_that_agrees() -> None:
    enquiry = Record(
        ref="enquiry",
        names=("Ellie Brook",),
        emails=("ellie@example.net",),
        phones=("07700 900 777",),
        postcodes=("BA11 1AA",),
        organisations=("Frome Library",),
    )
    client = Record(
        ref="client",
        names=("Eleanor Brook", "Ellie Brooke"),
        emails=("ELLIE@example.net",),
        phones=("+447700900777",),
        postcodes=("ba111aa",),
        organisations=("frome library",),
    )
    found = {(m.field, m.how, m.record_value) for m in compare_records(enquiry, client)}
    assert found == {
        (Field.NAME, ONE, "Ellie Brooke"),
        (Field.EMAIL, SAME, "ELLIE@example.net"),
        (Field.PHONE, SAME, "+447700900777"),
        (Field.POSTCODE, SAME, "ba111aa"),
        (Field.ORGANISATION, SAME, "frome library"),
    }


# --- Properties ------------------------------------------------------------------------------

# Text people might type into a name box: letters (some accented), spaces and joiners.
name_text = st.text(
    alphabet=st.sampled_from(list("abcdejklmnosty ABEJKS-'.éöñÅ’ßĳ")),  # noqa: RUF001
    max_size=24,
)
any_text = st.text(max_size=40)


@given(a=name_text, b=name_text)
def test_name_matching_is_symmetric(a: str, b: str) -> None:
    assert matching.compare_names(a, b) == matching.compare_names(b, a)


@given(field=st.sampled_from(list(Field)), a=any_text, b=any_text)
def test_every_field_matches_symmetrically(field: Field, a: str, b: str) -> None:
    assert compare_values(field, a, b) == compare_values(field, b, a)


@given(text=any_text)
def test_tidying_twice_changes_nothing(text: str) -> None:
    assert matching.fold(matching.fold(text)) == matching.fold(text)
    words = matching.name_words(text)
    assert matching.name_words(" ".join(words)) == words
    for normalise in (
        matching.normalise_email,
        matching.normalise_phone,
        matching.normalise_postcode,
        matching.organisation_key,
    ):
        once = normalise(text)
        assert normalise(once) == once, normalise.__name__


@given(text=name_text)
def test_a_name_matches_its_own_tidied_form(text: str) -> None:
    tidy = " ".join(matching.name_words(text))
    expected = How.SAME if len(matching.name_words(text)) >= 2 else None
    assert matching.compare_names(text, tidy) == expected


def _mutate(word: str, edit: int, at: int) -> str:
    """A word with one small change, so the random records below collide often."""
    if not word:
        return word
    i = at % len(word)
    return [
        word,
        word[:i] + word[i + 1 :],  # dropped
        word[:i] + "x" + word[i:],  # added
        word[:i] + "y" + word[i + 1 :],  # changed
        word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],  # swapped
    ][edit % 5]


GIVEN = ["jo", "jon", "john", "joan", "ann", "anna", "sara", "j"]
FAMILY = ["smith", "lee", "li", "cole"]
given_name = st.builds(_mutate, st.sampled_from(GIVEN), st.integers(0, 4), st.integers(0, 5))
family_name = st.builds(_mutate, st.sampled_from(FAMILY), st.integers(0, 4), st.integers(0, 5))
small_name = st.one_of(
    st.tuples(given_name, family_name).map(" ".join),
    st.tuples(given_name, given_name, family_name).map(" ".join),
    st.tuples(family_name, given_name).map(", ".join),
    given_name,
)
small_org = st.lists(
    st.sampled_from(["the", "hillside", "hilside", "surgery", "ltd", "club", "frome"]),
    min_size=1,
    max_size=3,
).map(" ".join)
small_record = st.builds(
    Record,
    ref=st.uuids(),
    names=st.lists(small_name, min_size=1, max_size=2).map(tuple),
    emails=st.lists(st.sampled_from(["a@x.org", "A@X.org ", "b@x.org"]), max_size=1).map(tuple),
    phones=st.lists(
        st.sampled_from(["07700900123", "+447700900123", "0770090012"]), max_size=1
    ).map(tuple),
    postcodes=st.lists(st.sampled_from(["BS1 4DJ", "bs14dj", "BS1 4DK"]), max_size=1).map(tuple),
    organisations=st.lists(small_org, max_size=1).map(tuple),
)


def _near(name: str, edit: int, at: int) -> str:
    """The same name with one word changed a little: a likely near match."""
    words = name.split(" ")
    i = at % len(words)
    words[i] = _mutate(words[i], edit, at)
    return " ".join(words)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    query=small_record,
    records=st.lists(small_record, max_size=10),
    edits=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 7)), min_size=1, max_size=4),
)
def test_the_index_finds_exactly_what_comparing_every_pair_finds(
    query: Record, records: list[Record], edits: list[tuple[int, int]]
) -> None:
    # Near copies of the query's names make sure typos, initials and reorderings are exercised.
    records = records + [
        Record(ref=f"near-{n}", names=(_near(query.names[n % len(query.names)], edit, at),))
        for n, (edit, at) in enumerate(edits)
    ]
    brute_force = [m for record in records for m in compare_records(query, record)]
    found = Index(records).search(query)
    assert sorted(map(repr, found)) == sorted(map(repr, brute_force))
