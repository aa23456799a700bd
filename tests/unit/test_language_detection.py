# ruff: noqa: RUF001 - Greek and Cyrillic letters are the point of these sentences
"""The comment-language detector (py3langid, model shipped in the package) on the 24 official
EU languages: one sentence each, written for this test, about the same subject."""

from __future__ import annotations

from consult.core.languages import EU_LANGUAGES, detect_language

SENTENCES = {
    "bg": "Доставчиците трябва да публикуват резюме на данните, използвани за обучение на модела.",
    "cs": "Poskytovatelé by měli zveřejnit shrnutí dat, která použili k trénování svého modelu.",
    "da": "Udbyderne bør offentliggøre et resumé af de data, de har brugt til at træne modellen.",
    "de": "Die Anbieter sollten eine Zusammenfassung der Daten veröffentlichen, mit denen sie das "
    "Modell trainiert haben.",
    "el": "Οι πάροχοι θα πρέπει να δημοσιεύουν περίληψη των δεδομένων που χρησιμοποίησαν για "
    "την εκπαίδευση του μοντέλου.",
    "en": "Providers should publish a summary of the data they used to train the model.",
    "es": "Los proveedores deberían publicar un resumen de los datos que utilizaron para entrenar "
    "el modelo.",
    "et": "Pakkujad peaksid avaldama kokkuvõtte andmetest, mida nad mudeli treenimiseks kasutasid.",
    "fi": "Tarjoajien pitäisi julkaista yhteenveto tiedoista, joita he käyttivät mallin "
    "kouluttamiseen.",
    "fr": "Les fournisseurs devraient publier un résumé des données qu'ils ont utilisées pour "
    "entraîner le modèle.",
    "ga": "Ba cheart do sholáthraithe achoimre a fhoilsiú ar na sonraí a d'úsáid siad chun an "
    "tsamhail a oiliúint.",
    "hr": "Pružatelji bi trebali objaviti sažetak podataka koje su koristili za treniranje modela.",
    "hu": "A szolgáltatóknak közzé kellene tenniük azoknak az adatoknak az összefoglalóját, "
    "amelyekkel a modellt tanították.",
    "it": "I fornitori dovrebbero pubblicare una sintesi dei dati che hanno usato per addestrare "
    "il modello.",
    "lt": "Teikėjai turėtų paskelbti duomenų, kuriuos jie naudojo modeliui mokyti, santrauką.",
    "lv": "Pakalpojumu sniedzējiem būtu jāpublicē kopsavilkums par datiem, ko viņi izmantoja "
    "modeļa apmācībai.",
    "mt": "Il-fornituri għandhom jippubblikaw sommarju tad-data li użaw biex jitħarreġ il-mudell.",
    "nl": "Aanbieders zouden een samenvatting moeten publiceren van de gegevens waarmee zij het "
    "model hebben getraind.",
    "pl": "Dostawcy powinni opublikować podsumowanie danych, których użyli do trenowania modelu.",
    "pt": "Os fornecedores deveriam publicar um resumo dos dados que utilizaram para treinar o "
    "modelo.",
    "ro": "Furnizorii ar trebui să publice un rezumat al datelor pe care le-au folosit pentru "
    "antrenarea modelului.",
    "sk": "Poskytovatelia by mali zverejniť zhrnutie údajov, ktoré použili na trénovanie modelu.",
    "sl": "Ponudniki bi morali objaviti povzetek podatkov, ki so jih uporabili za učenje modela.",
    "sv": "Leverantörerna borde offentliggöra en sammanfattning av de data de använde för att "
    "träna modellen.",
}


def test_one_sentence_in_each_official_language():
    assert set(SENTENCES) == set(EU_LANGUAGES)
    wrong = {code: detect_language(text) for code, text in SENTENCES.items()}
    wrong = {code: found for code, found in wrong.items() if found != code}
    assert not wrong, f"misdetected: {wrong}"


def test_nothing_outside_the_official_languages():
    # Norwegian is close to Danish and Swedish: it is reported as one of them, never as "no".
    found = detect_language("Leverandørene bør publisere et sammendrag av treningsdataene.")
    assert found in EU_LANGUAGES
