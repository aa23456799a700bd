"""Demo comments in German, French, Italian and Polish on the open "Transparency" draft; two
quote the German and French translations of the text."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from consult.comments.language import quote_language_of
from consult.comments.models import Comment
from consult.db import utcnow
from consult.drafts.services import sections_of

logger = logging.getLogger(__name__)

# (language, provision key, body, quote, language of the text quoted or None for the source)
COMMENTS: list[tuple[str, str, str, str, str | None]] = [
    (
        "de",
        "c1-m2",
        "Eine Frist von 7 Tagen ist für kleine Anbieter kaum einzuhalten, wenn die Anfrage "
        "mehrere Modellversionen betrifft. Wir schlagen 14 Tage für alle Anfragen vor.",
        "binnen 7 Tagen bereitgestellt",
        "de",
    ),
    (
        "de",
        "c2-m1",
        "Die öffentliche Zusammenfassung sollte auch angeben, nach welchen Kriterien "
        "urheberrechtlich geschützte Werke ausgeschlossen wurden.",
        "",
        None,
    ),
    (
        "de",
        "c3-m3",
        "Wir begrüßen die Pflicht zur Dokumentation des Energieverbrauchs. Die Schätzmethode "
        "sollte jedoch einheitlich vom Büro für Künstliche Intelligenz vorgegeben werden.",
        "",
        None,
    ),
    (
        "fr",
        "c1-m1",
        "La date jusqu'à laquelle s'étendent les données d'entraînement est une information "
        "précieuse pour les utilisateurs. Nous soutenons cet ajout.",
        "la date jusqu'à laquelle s'étendent les données d'entraînement",
        "fr",
    ),
    (
        "fr",
        "q1",
        "Des catégories accompagnées de leur part approximative nous semblent suffisantes, à "
        "condition que le Bureau de l'IA puisse demander la liste complète des jeux de données.",
        "",
        None,
    ),
    (
        "it",
        "c2-m2",
        "Chiediamo che i fornitori pubblichino anche l'elenco dei domini esclusi su richiesta "
        "dei titolari dei diritti, per verificare il rispetto delle riserve.",
        "",
        None,
    ),
    (
        "it",
        "c3-m2",
        "I risultati delle valutazioni dovrebbero essere pubblicati anche per le lingue meno "
        "diffuse dell'Unione, non solo per l'inglese.",
        "",
        None,
    ),
    (
        "pl",
        "c3-m5",
        "Popieramy ten środek. Publikowanie dokumentacji razem z wagami modelu jest dla "
        "projektów otwartoźródłowych najprostszym rozwiązaniem.",
        "",
        None,
    ),
    (
        "pl",
        "c1-m3",
        "Prosimy o doprecyzowanie, w jakim terminie należy przekazać dokumentację Urzędowi "
        "ds. AI. Sformułowanie „bez zbędnej zwłoki” jest niejasne.",
        "",
        None,
    ),
]


def load(version: Any, users: list[Any], snapshot: Any) -> list[Comment]:
    """Add the comments above to `version` (its sections keyed), authors taken in turn."""
    sections = {s.provision.key: s for s in sections_of(version)}
    now = utcnow()
    made = []
    for index, (language, key, body, quote, quoted_in) in enumerate(COMMENTS):
        section = sections.get(key)
        if section is None:
            continue
        found, stored = quote_language_of(section, quote, quoted_in)
        if not found or stored != quoted_in:  # no such translation loaded: no quote either
            quote, stored = "", None
        created = now - timedelta(hours=30 - 3 * index)
        made.append(
            Comment(
                version_id=version.id,
                section_id=section.id,
                provision_id=section.provision_id,
                depth=0,
                kind="general",
                body=body,
                quote=quote,
                language=language,
                quote_language=stored,
                created_at=created,
                updated_at=created,
                **snapshot(users[index % len(users)]),
            )
        )
    return made
