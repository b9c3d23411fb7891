import pytest

from analysis.contract import dates, typography


@pytest.mark.parametrize(("value", "precision", "shown"), [
    ("2011-07-06", "jour", "6 juillet 2011"),
    ("2011-07-01", "jour", "1er juillet 2011"),
    ("2011-07", "mois", "juillet 2011"),
    ("2011", "annee", "2011"),
    ("2011", "annee-deduite", "vers 2011 (année déduite)"),
    ("2011-07-06", None, "6 juillet 2011"),
    (None, None, ""),
])
def test_dates_are_never_shown_more_precisely_than_stored(value, precision, shown):
    assert dates.french(value, precision) == shown


def test_french_typography_spaces_and_leaves_urls_and_times_alone():
    text = typography.fr("Note : voir «ici» ou « là »; pourquoi? https://a.org/x:y à 10:30")
    assert text == ("Note\u00a0: voir «\u00a0ici\u00a0» ou «\u00a0là\u00a0»\u202f; pourquoi\u202f? "
                    "https://a.org/x:y à 10:30")
    assert typography.problems(text) == []
    assert typography.problems("Note : voir «ici»")


def test_apostrophes_between_letters_are_curly_and_quotes_elsewhere_are_kept():
    from analysis.contract import typography

    assert typography.fr("l'Alliance d'aujourd'hui") == "l’Alliance d’aujourd’hui"
    assert typography.fr("format='%Y' 'cité'") == "format='%Y' 'cité'"
