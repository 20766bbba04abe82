"""Huurtoeslag (Wet op de huurtoeslag, BWBR0008659; Besluit op de huurtoeslag; WVEB).

One huurtoeslag per home (Wht art. 7 lid 2), for the huurder, with the income and assets of the partner and the
medebewoners (art. 7 lid 1; Awir art. 7 lid 2-4). Per month:

    rekenhuur R  = kale huur + subsidiabele servicekosten up to EUR 48 (art. 5; servicekosten no longer from 2026)
    basishuur B  = normhuur(Y) + taakstellingsbedrag - verlaging eigen bijdrage (art. 16-19; WVEB art. 1)
    huurtoeslag  = 100% x (min(R, KKG) - B)+                                        (art. 21 lid 1 a)
                 + 65% x (min(R, aftoppingsgrens) - max(KKG, B))+                    (art. 21 lid 1 b, lid 2)
                 + 40% x (min(R, huurgrens) - max(aftoppingsgrens, B))+              (art. 21 lid 1 c, lid 3)
    until 2024 the 40% part only for a member of AOW age, an eenpersoonshuishouden or a home adapted for a
    handicap; from 2026 the normhuur is fixed and the result is reduced by (Y - ijkpunt) x afbouw% / 12 (art. 21 lid 2).

The maximale huurgrens (art. 13) is an entry condition until 2025 (no huurtoeslag above it, except in the cases
of art. 13 lid 2, where the part above it is not subsidised) and a cap from 2026.
"""

from __future__ import annotations

import numpy as np

from simlib.rules.awir import boven_vermogensgrens as boven
from simlib.rules.awir import ceil_cents, round_cents, vermogenstoets

# Household types (Wht art. 2)
EENPERSOONS, MEERPERSOONS, EENPERSOONS_OUDEREN, MEERPERSOONS_OUDEREN = 0, 1, 2, 3
TYPE_NAMES = ("eenpersoons", "meerpersoons", "eenpersoons_ouderen", "meerpersoons_ouderen")


def huishoudtype(eenpersoons, ouderen, p):
    """Household type (Wht art. 2): the ouderen types exist only while ``huurtoeslag.ouderenhuishoudens`` holds."""
    eenpersoons = np.asarray(eenpersoons, dtype=bool)
    base = np.where(eenpersoons, EENPERSOONS, MEERPERSOONS)
    if p.huurtoeslag.ouderenhuishoudens:
        return np.where(np.asarray(ouderen, dtype=bool), base + 2, base)
    return base


def _per_type(htype, p, name):
    n = p.huurtoeslag.normhuur
    values = []
    for t in TYPE_NAMES:
        v = getattr(getattr(n, t), name)
        values.append(np.nan if v is None else v)
    return np.asarray(values, dtype=float)[htype]


def normhuur(rekeninkomen, htype, p):
    """Normhuur per month (Wht art. 17-19): the minimum normhuur up to the minimum-inkomensijkpunt, above it
    a*Y^2 + b*Y rounded up to whole cents; fixed at the minimum from 2026 ('vast_met_afbouw')."""
    y = np.asarray(rekeninkomen, dtype=float)
    minimum = _per_type(htype, p, "minimum_normhuur")
    if p.huurtoeslag.normhuur.methode == "vast_met_afbouw":
        return minimum + 0.0 * y
    a = _per_type(htype, p, "factor_a")
    b = _per_type(htype, p, "factor_b")
    ijkpunt = _per_type(htype, p, "minimum_inkomensijkpunt")
    return np.where(y <= ijkpunt, minimum, ceil_cents(a * y * y + b * y))


def boven_vermogensgrens(vermogen, heeft_partner, vermogen_medebewoner, p):
    """The home fails the asset test: the assets of huurder and partner together exceed the limit (the single one
    without a partner; Awir art. 7 lid 3, 7; Wht art. 14), or a medebewoner's own assets exceed the single limit (Awir
    art. 7 lid 4; ``vermogen_medebewoner`` is the largest of them, -inf without medebewoners)."""
    return boven(vermogen, heeft_partner, "huurtoeslag", p) | boven(vermogen_medebewoner, False, "huurtoeslag", p)


def _huurgrens(rekenhuur, hoge_huurgrens, uitzondering_huurgrens, p):
    """The maximale huurgrens (Wht art. 13 lid 1), whether the rent is above it, whether that excludes the home (an
    entry condition until 2025, except in the cases of lid 2) and the rent that is subsidised."""
    m = p.huurtoeslag.maximale_huurgrens
    huurgrens = np.where(hoge_huurgrens, m.bedrag, m.jongeren)
    boven_huurgrens = rekenhuur > huurgrens
    if m.werking == "uitsluiting":
        uitgesloten = boven_huurgrens & ~np.asarray(uitzondering_huurgrens, dtype=bool)
        subsidiabel = np.minimum(rekenhuur, huurgrens)
    elif m.werking == "aftopping":
        uitgesloten = np.zeros(rekenhuur.shape, dtype=bool)
        subsidiabel = np.minimum(rekenhuur, huurgrens)
    else:  # 'geen': scenario without any limit
        uitgesloten = np.zeros(rekenhuur.shape, dtype=bool)
        subsidiabel = rekenhuur
    return huurgrens, boven_huurgrens, uitgesloten, subsidiabel


def _delen(subsidiabel, basishuur, aantal_personen, veertig, p):
    """The 100%, 65% and 40% parts of the rent (Wht art. 21 lid 1-3) and the aftoppingsgrens of the household."""
    ht = p.huurtoeslag
    kkg = ht.kwaliteitskortingsgrens
    aftop = np.where(np.asarray(aantal_personen) >= 3, ht.aftoppingsgrens.drie_of_meer_personen, ht.aftoppingsgrens.een_of_twee_personen)
    pct = ht.subsidiepercentage
    deel_100 = np.maximum(np.minimum(subsidiabel, kkg) - basishuur, 0.0)
    deel_65 = pct.tot_aftoppingsgrens * np.maximum(np.minimum(subsidiabel, aftop) - np.maximum(kkg, basishuur), 0.0)
    deel_40 = np.where(veertig, pct.boven_aftoppingsgrens * np.maximum(subsidiabel - np.maximum(aftop, basishuur), 0.0), 0.0)
    return deel_100, deel_65, deel_40, aftop


def _afbouw(y, htype, p):
    """From 2026: the reduction of (Y - minimum-inkomensijkpunt) x afbouwpercentage / 12 (Wht art. 21 lid 2)."""
    n = p.huurtoeslag.normhuur
    if n.methode != "vast_met_afbouw":
        return np.zeros(np.shape(htype))
    afbouwpct = np.where(htype == EENPERSOONS, n.afbouwpercentage.eenpersoons, n.afbouwpercentage.meerpersoons)
    return np.maximum(y - _per_type(htype, p, "minimum_inkomensijkpunt"), 0.0) * afbouwpct / 12.0


def huurtoeslag(
    kale_huur,
    servicekosten,
    rekeninkomen,
    eenpersoons,
    ouderen,
    aantal_personen,
    aangepaste_woning,
    hoge_huurgrens,
    uitzondering_huurgrens,
    vermogen,
    heeft_partner,
    vermogen_medebewoner,
    huurder_meerderjarig,
    p,
    zelfstandige_woning=True,
):
    """Huurtoeslag per month for homes (one row per home), for a situation constant through the year.

    Args:
        kale_huur, servicekosten: per month (servicekosten = the subsidiabele servicekosten claimed).
        rekeninkomen: toetsingsinkomen of huurder, partner and medebewoners (Wht art. 1 i; Awir art. 7 lid 2, 6).
        eenpersoons: the huurder lives alone, apart from onderhuurders (Wht art. 2 a).
        ouderen: the huurder, partner or a medebewoner has AOW age on 1 January (Wht art. 2 c-d, art. 21 lid 1 c 1°).
        aantal_personen: huurder, partner and medebewoners (Wht art. 20 lid 2).
        aangepaste_woning: the home has adaptations needed for a handicap (art. 13 lid 2 a, art. 21 lid 1 c 3°).
        hoge_huurgrens: the high maximale huurgrens applies (art. 13 lid 1 a).
        uitzondering_huurgrens: an exception of art. 13 lid 2 applies (handicap, 8+ persons, verworven recht).
        vermogen: own (no partner) or joint (partners) rendementsgrondslag on 1 January (Awir art. 7 lid 3).
        heeft_partner: the huurder has a partner at the address (Wht art. 1a lid 3).
        vermogen_medebewoner: the largest rendementsgrondslag of a medebewoner, -inf without one (Awir art. 7 lid 4).
        huurder_meerderjarig: the huurder is of age (Wht art. 8).
        p: parameters of the year.
        zelfstandige_woning: the home is a zelfstandige woonruimte (or a designated onzelfstandige one); a room
            (kamer) gives no huurtoeslag (Wht art. 1 'woning', art. 9).

    Returns a dict of arrays with the intermediate values and ``per_maand`` (rounded to cents).
    """
    ht = p.huurtoeslag
    kale_huur = np.asarray(kale_huur, dtype=float)
    y = np.asarray(rekeninkomen, dtype=float)
    service = np.minimum(np.asarray(servicekosten, dtype=float), ht.rekenhuur.maximum_servicekosten)
    rekenhuur = kale_huur + (service if ht.rekenhuur.servicekosten_tellen_mee else 0.0)
    huurgrens, boven_huurgrens, uitgesloten, subsidiabel = _huurgrens(rekenhuur, hoge_huurgrens, uitzondering_huurgrens, p)

    htype = huishoudtype(eenpersoons, ouderen, p)
    nh = normhuur(y, htype, p)
    basishuur = nh + ht.taakstellingsbedrag - ht.verlaging_eigen_bijdrage
    if ht.subsidiepercentage.boven_aftoppingsgrens_voor_alle_huishoudens:
        veertig = np.ones(rekenhuur.shape, dtype=bool)
    else:
        veertig = np.asarray(eenpersoons, dtype=bool) | np.asarray(ouderen, dtype=bool) | np.asarray(aangepaste_woning, dtype=bool)
    deel_100, deel_65, deel_40, aftop = _delen(subsidiabel, basishuur, aantal_personen, veertig, p)
    afbouw = _afbouw(y, htype, p)

    heeft_partner = np.asarray(heeft_partner, dtype=bool)
    vermogen_ok, vermogen_korting = vermogenstoets(vermogen, heeft_partner, "huurtoeslag", p)
    medebewoner_ok = ~boven(vermogen_medebewoner, False, "huurtoeslag", p)
    recht = ((kale_huur > 0) & np.asarray(zelfstandige_woning, dtype=bool) & np.asarray(huurder_meerderjarig, dtype=bool)
             & ~uitgesloten & vermogen_ok & medebewoner_ok)
    bedrag = round_cents(np.maximum(deel_100 + deel_65 + deel_40 - afbouw, 0.0))
    per_maand = np.where(recht, bedrag, 0.0)
    # a phase-out of the asset cliff (scenario lever) reduces the yearly amount, spread over the months
    per_maand = np.maximum(per_maand - vermogen_korting / 12.0, 0.0)
    return {
        "rekenhuur": rekenhuur,
        "maximale_huurgrens": huurgrens,
        "boven_maximale_huurgrens": boven_huurgrens,
        "uitgesloten_huurgrens": uitgesloten,
        "huishoudtype": htype,
        "normhuur": nh,
        "basishuur": basishuur,
        "kwaliteitskortingsgrens": ht.kwaliteitskortingsgrens + 0.0 * y,
        "aftoppingsgrens": aftop,
        "deel_100": deel_100,
        "deel_65": deel_65,
        "deel_40": deel_40,
        "afbouw": afbouw,
        "vermogen_ok": vermogen_ok & medebewoner_ok,
        "boven_vermogensgrens": boven(vermogen, heeft_partner, "huurtoeslag", p) | ~medebewoner_ok,
        "recht": recht,
        "per_maand": round_cents(per_maand),
    }
