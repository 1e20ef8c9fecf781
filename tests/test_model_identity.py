"""model/identity: the spellings of one identifier compare equal, different ones do not."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzmd.model.identity import (
    Identity,
    derived_uid,
    email_key,
    identity_of,
    linkedin_key,
    loose_name_key,
    name_key,
    phone_key,
    similarity,
)

slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_äöüéñçøåł", min_size=1, max_size=30)
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéèñçåÄÖÜÉ -", min_size=1, max_size=30)


@given(
    slug=slugs,
    scheme=st.sampled_from(["https://", "http://", ""]),
    host=st.sampled_from(
        ["www.linkedin.com", "linkedin.com", "de.linkedin.com", "WWW.LinkedIn.com"]
    ),
    slash=st.sampled_from(["", "/"]),
    encode=st.booleans(),
    upper=st.booleans(),
)
def test_every_spelling_of_a_profile_url_is_one_key(
    slug: str, scheme: str, host: str, slash: str, encode: bool, upper: bool
) -> None:
    path = quote(slug) if encode else slug
    url = f"{scheme}{host}/in/{path.upper() if upper and not encode else path}{slash}"
    assert linkedin_key(url) == f"linkedin.com/in/{slug.lower()}"


@given(a=slugs, b=slugs)
def test_different_profiles_are_different_keys(a: str, b: str) -> None:
    same = a.lower() == b.lower()
    key_a = linkedin_key(f"https://www.linkedin.com/in/{a}")
    assert (key_a == linkedin_key(f"https://linkedin.com/in/{b}/")) is same


@pytest.mark.parametrize(
    "url", ["", "https://example.com/in/jane", "https://www.linkedin.com/", "mailto:x@y.z"]
)
def test_what_is_not_a_profile_has_no_key(url: str) -> None:
    assert linkedin_key(url) is None


@given(
    local=st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True),
    domain=st.from_regex(r"[A-Za-z0-9-]{1,15}\.[A-Za-z]{2,6}", fullmatch=True),
)
def test_an_email_is_its_case_folded_self(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert email_key(address.upper()) == email_key(f" mailto:<{address}> ") == address.casefold()


@pytest.mark.parametrize("text", ["", "jane", "jane@", "@example.org", "a b@example.org"])
def test_what_is_not_an_address_has_no_key(text: str) -> None:
    assert email_key(text) is None


@given(number=st.integers(min_value=1_000_000, max_value=99_999_999))
def test_a_german_mobile_in_every_usual_spelling_is_one_number(number: int) -> None:
    digits = f"171{number}"
    spellings = [
        f"0{digits}",
        f"+49 {digits}",
        f"0049 {digits}",
        f"+49 (0) {digits}",
        f"0{digits[:3]}/{digits[3:]}",
        f"+49-{digits[:3]}-{digits[3:]}",
    ]
    keys = {phone_key(s, "DE") for s in spellings}
    assert keys == {f"+49{digits}"}


def test_the_region_decides_a_number_without_country() -> None:
    assert phone_key("(650) 253-0000", "US") == "+16502530000"
    assert phone_key("030 1234567", "DE") == "+49301234567"
    assert phone_key("030 1234567", "US") != phone_key("030 1234567", "DE")
    assert phone_key("12", "DE") is None


@given(name=letters)
def test_name_keys_ignore_case_and_accents_but_keep_sharp_s(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(f"  {name} ")
    plain = "".join(
        {"ä": "a", "ö": "o", "ü": "u", "é": "e", "è": "e", "ñ": "n", "ç": "c", "å": "a"}.get(ch, ch)
        for ch in name.lower()
    )
    assert name_key(name) == name_key(plain)
    assert name_key("Jürgen Weiß") == name_key("JURGEN  WEIß") != name_key("Jürgen Weiss")
    assert loose_name_key("Weiß, Jürgen") == loose_name_key("jürgen weiß")


def test_similar_names_score_high_and_others_low() -> None:
    assert similarity("Jürgen Weiss", "Weiß, Jürgen") == 100.0
    assert similarity("Juergen Weiß", "Jürgen Weiß") >= 85
    assert similarity("Jürgen Weiß", "Sophie Wagner") < 50


def test_identifiers_contradict_only_when_both_have_one_of_a_kind_and_share_none() -> None:
    a = identity_of({"linkedin": "linkedin.com/in/a", "email": "x@example.org"})
    assert not a.contradicts(identity_of({"emails": ["X@example.org"]}))
    assert a.contradicts(identity_of({"linkedin": "https://linkedin.com/in/b"}))
    assert a.contradicts(identity_of({"email": "y@example.org"}))
    assert not a.contradicts(Identity())
    assert not a.contradicts(identity_of({"phone": "+49 171 1234567"}))
    assert a.shared(identity_of({"linkedin": "http://www.linkedin.com/in/A/"})) == ["linkedin"]


def test_derived_uids_are_stable() -> None:
    # every calendar and address book that saw a UID depends on this value never changing
    assert derived_uid("Jane Doe") == derived_uid("Jane Doe")
    assert derived_uid("Jane Doe") == "1a640321-7a74-508d-ab4e-09f8425382d9"


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("jane-doe", "linkedin.com/in/jane-doe"),  # a bare slug, as some exports give it
        ("Jane%20Doe", "linkedin.com/in/jane doe"),
        ("in/Jane-Doe", "linkedin.com/in/jane-doe"),
        ("linkedin.com/in/jane-doe/", "linkedin.com/in/jane-doe"),
        ("https://www.linkedin.com//in//jane", "linkedin.com/in/jane"),
        ("https://www.linkedin.com/in/jane?trk=x#top", "linkedin.com/in/jane"),
        ("example.com", None),
        ("https://linkedin.com", None),
        ("https://linkedin.com/", None),
    ],
)
def test_linkedin_keys_of_the_shapes_files_hold(given: str, key: str | None) -> None:
    assert linkedin_key(given) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1234", None),  # four digits: no number
        ("12345", "+4912345"),  # five digits: a (short) number
        ("+999 12345", "+99912345"),  # no such country: its digits, with the plus
        ("00 999 123456", "+999123456"),  # 00 as an international prefix
        ("ext. 12", None),
    ],
)
def test_phone_keys_at_the_edges(text: str, key: str | None) -> None:
    assert phone_key(text, "DE") == key
