"""German and French translations of the open "Transparency" draft (version 2) for the demo.

Imported through the same service a chair uses (Markdown, the source's provision keys). The
translations were written for this demo; the English text stays authoritative.
"""

from __future__ import annotations

from typing import Any

from consult.drafts.translations import import_translation

TRANSPARENCY_V2_DE = """\
## Erwägungsgrund (a) {#r-a}

Anbieter von KI-Modellen mit allgemeinem Verwendungszweck stehen am Anfang einer langen
Wertschöpfungskette. Nachgelagerte Anbieter, die KI-Systeme auf diesen Modellen aufbauen, und die
Behörden, die sie beaufsichtigen, sind auf genaue Informationen darüber angewiesen, was ein Modell
ist, wie es entwickelt wurde und was es kann und was nicht.

## Erwägungsgrund (b) {#r-b}

Die nachstehenden Dokumentationspflichten sollen verhältnismäßig sein. Verlangt eine Maßnahme
Informationen, über die ein Anbieter nicht verfügt, so erläutert der Anbieter, warum dies so ist
und was er unternehmen wird, um sie zu beschaffen.

## Verpflichtung 1: Dokumentation {#c1}

Die Unterzeichner verpflichten sich, für jedes KI-Modell mit allgemeinem Verwendungszweck, das sie
in Verkehr bringen, eine Dokumentation zu erstellen, auf dem neuesten Stand zu halten und
bereitzustellen.

### Maßnahme 1.1 Erstellung und Aktualisierung der Modelldokumentation {#c1-m1}

1. Die Unterzeichner erstellen vor dem Inverkehrbringen eines Modells eine Dokumentation des
   Modells anhand des Formulars zur Modelldokumentation in Anhang I und aktualisieren sie bei
   jeder Änderung des Modells.
2. Die Dokumentation enthält mindestens:
   (a) den Namen des Modells, seine Version und das Datum seiner Veröffentlichung;
   (b) eine allgemeine Beschreibung der Architektur, einschließlich der Zahl der Parameter und,
   bei Mixture-of-Experts-Modellen, der Zahl der je Token aktiven Parameter;
   (c) die Modalitäten der Ein- und Ausgabe sowie die maximale Kontextlänge;
   (d) eine Beschreibung des Trainingsprozesses, einschließlich der wichtigsten
   Gestaltungsentscheidungen, der optimierten Zielgrößen und der Methoden, mit denen das
   Verhalten des Modells ausgerichtet wurde;
   (e) die für das Training eingesetzten Rechenressourcen, ausgedrückt in
   Gleitkommaoperationen, sowie die Dauer des Trainings;
   (f) die Lizenz, unter der das Modell vertrieben wird;
   (g) das Datum, bis zu dem die Trainingsdaten reichen.
3. Die Unterzeichner bewahren die Dokumentation jeder Version des Modells zehn Jahre lang nach dem
   Inverkehrbringen dieser Version auf.

### Maßnahme 1.2 Informationen für nachgelagerte Anbieter {#c1-m2}

1. Die Unterzeichner stellen nachgelagerten Anbietern, die das Modell in ein KI-System
   integrieren, die Teile der Dokumentation zur Verfügung, die diese Anbieter benötigen, um die
   Fähigkeiten und Grenzen des Modells zu verstehen und ihre eigenen Pflichten zu erfüllen.
2. Die Informationen werden binnen 14 Tagen nach einer Anfrage bereitgestellt. Betrifft die
   Anfrage ein Modell, das bereits in ein auf dem Markt befindliches System integriert ist, so
   werden sie binnen 7 Tagen bereitgestellt.
3. Die Unterzeichner können von nachgelagerten Anbietern verlangen, die Vertraulichkeit von als
   Geschäftsgeheimnis gekennzeichneten Informationen zu wahren, dürfen Informationen aber nicht
   allein aus diesem Grund verweigern.

### Maßnahme 1.3 Informationen für das Büro für Künstliche Intelligenz {#c1-m3}

1. Auf begründete Anfrage stellen die Unterzeichner dem Büro für Künstliche Intelligenz die nach
   Maßnahme 1.1 erstellte Dokumentation vollständig und unverzüglich zur Verfügung.
2. Die Unterzeichner benennen eine Kontaktstelle für solche Anfragen und veröffentlichen deren
   Kontaktdaten.

## Verpflichtung 2: Transparenz über Trainingsdaten {#c2}

Die Unterzeichner verpflichten sich, in einer für die Öffentlichkeit verständlichen Form zu
erläutern, welche Inhalte zum Training ihrer Modelle verwendet wurden.

### Maßnahme 2.1 Öffentliche Zusammenfassung der Trainingsinhalte {#c2-m1}

1. Die Unterzeichner veröffentlichen für jedes Modell eine Zusammenfassung der für das Training
   verwendeten Inhalte nach der vom Büro für Künstliche Intelligenz veröffentlichten Vorlage und
   aktualisieren sie, wenn eine neue Version des Modells mit wesentlich anderen Daten trainiert
   wird. Frühere Zusammenfassungen bleiben verfügbar.
2. Die Zusammenfassung führt die wichtigsten Datenkategorien auf, etwa:
   (a) öffentlich zugängliche, von Crawlern erfasste Webinhalte;
   (b) lizenzierte Datensätze und im Rahmen kommerzieller Vereinbarungen erlangte Inhalte;
   (c) von Nutzern der Dienste des Unterzeichners bereitgestellte Inhalte und die Angabe, ob die
   Nutzer widersprechen konnten;
   (d) von anderen Modellen erzeugte synthetische Daten.
3. Für jede Kategorie gibt die Zusammenfassung den ungefähren Anteil an den Trainingsdaten an,
   gemessen in Token oder, bei anderen Modalitäten, in der von der Vorlage festgelegten Einheit.

### Maßnahme 2.2 Crawler und Quellen von Webinhalten {#c2-m2}

1. Wurden Webinhalte erfasst, so nennen die Unterzeichner die eingesetzten Crawler, den Zeitraum
   ihres Betriebs und die wichtigsten Domains, von denen Inhalte stammen.
2. Die Unterzeichner beschreiben, wie sie beim Crawlen maschinenlesbare Rechtevorbehalte erkannt
   und beachtet haben.

### Maßnahme 2.3 Verarbeitung und Filterung der Daten {#c2-m3}

1. Die Unterzeichner beschreiben die Schritte zur Verarbeitung der Trainingsdaten, einschließlich
   der Deduplizierung, der Entfernung personenbezogener Daten und der Filterung rechtswidriger oder
   schädlicher Inhalte.
2. Beruhte die Filterung auf automatisierten Klassifikatoren, so beschreiben die Unterzeichner
   deren Zweck und deren bekannte Fehlerquoten.

### Maßnahme 2.4 Synthetische Daten {#c2-m4}

Die Unterzeichner geben an, ob synthetische Daten für das Training verwendet wurden, zu welchem
Zweck, welche Modelle sie erzeugt haben und wie ihre Qualität vor der Verwendung geprüft wurde.

## Verpflichtung 3: Fähigkeiten und Grenzen {#c3}

Die Unterzeichner verpflichten sich zu dokumentieren, wofür ihre Modelle bestimmt sind, was sie
bekanntermaßen nicht gut können und welche Ressourcen sie verbrauchen.

### Maßnahme 3.1 Bestimmungsgemäße und untersagte Verwendungen {#c3-m1}

1. Die Unterzeichner beschreiben die Aufgaben, für die das Modell bestimmt ist, und die
   Verwendungen, die seine Lizenz oder seine Nutzungsrichtlinie untersagt.
2. Die Beschreibung ist so abzufassen, dass ein nachgelagerter Anbieter ohne Fachwissen sie
   verstehen kann.

### Maßnahme 3.2 Bekannte Grenzen und Evaluierungsergebnisse {#c3-m2}

1. Die Unterzeichner dokumentieren die bekannten Grenzen des Modells, einschließlich der Sprachen,
   in denen seine Leistung deutlich geringer ist, und der Aufgaben, bei denen es unzuverlässig ist.
2. Die Unterzeichner veröffentlichen die Ergebnisse der von ihnen durchgeführten Evaluierungen mit
   den verwendeten Benchmarks, der evaluierten Version des Modells und den Einstellungen, etwa der
   Prompting-Methode und der Sampling-Temperatur, die zu ihrer Reproduktion nötig sind.

### Maßnahme 3.3 Energieverbrauch {#c3-m3}

1. Die Unterzeichner dokumentieren die für das Training des Modells verbrauchte Energie, gemessen
   oder, wo eine Messung nicht möglich war, mit einer von ihnen beschriebenen Methode geschätzt.
2. Wurde die Energie geschätzt, so gibt die Dokumentation dies an und nennt die wichtigsten
   Annahmen der Schätzung.

### Maßnahme 3.4 Qualität und Integrität der Dokumentation {#c3-m4}

1. Die Unterzeichner richten interne Verfahren ein, die gewährleisten, dass die Dokumentation
   zutreffend und vollständig ist und vor unbefugter Änderung geschützt wird.
2. Änderungen der Dokumentation werden mit ihrem Datum und ihrem Grund festgehalten.

### Maßnahme 3.5 Dokumentation von Modellen unter einer freien und quelloffenen Lizenz {#c3-m5}

1. Unterzeichner, die ein Modell unter einer freien und quelloffenen Lizenz veröffentlichen,
   können Maßnahme 1.2 erfüllen, indem sie die einschlägige Dokumentation zusammen mit den
   Modellgewichten veröffentlichen.
2. Die veröffentlichte Dokumentation wird unter einer dauerhaften Adresse bereitgehalten und
   zusammen mit den Gewichten versioniert.

## Offene Frage 1 {#q1}

Soll die öffentliche Zusammenfassung der Trainingsinhalte einzelne Datensätze nennen, oder
genügen Kategorien mit ihren ungefähren Anteilen, um den Zweck der Transparenz zu erfüllen?

## Offene Frage 2 {#q2}

Wie sollen Anbieter von Modellen, die unter einer freien und quelloffenen Lizenz veröffentlicht
werden, Maßnahme 1.2 erfüllen, wenn sie in keiner Vertragsbeziehung zu nachgelagerten Anbietern
stehen?

## Offene Frage 3 {#q3}

Welche Einheit soll die Vorlage für den Anteil von Bildern, Audio und Video an den
Trainingsdaten vorsehen, damit die Anteile zwischen Modellen vergleichbar sind?
"""

TRANSPARENCY_V2_FR = """\
## Considérant (a) {#r-a}

Les fournisseurs de modèles d'IA à usage général se trouvent au début d'une longue chaîne de
valeur. Les fournisseurs en aval qui construisent des systèmes d'IA sur ces modèles, et les
autorités publiques qui les contrôlent, ont besoin d'informations exactes sur ce qu'est un modèle,
sur la manière dont il a été conçu et sur ce qu'il peut et ne peut pas faire.

## Considérant (b) {#r-b}

Les obligations de documentation ci-dessous se veulent proportionnées. Lorsqu'une mesure exige
des informations dont un fournisseur ne dispose pas, celui-ci explique pourquoi et ce qu'il
entreprendra pour les obtenir.

## Engagement 1 : Documentation {#c1}

Les signataires s'engagent à établir, à tenir à jour et à mettre à disposition une documentation
de chaque modèle d'IA à usage général qu'ils mettent sur le marché.

### Mesure 1.1 Établissement et mise à jour de la documentation du modèle {#c1-m1}

1. Avant de mettre un modèle sur le marché, les signataires établissent une documentation du
   modèle à l'aide du formulaire de documentation du modèle figurant à l'annexe I, et la mettent à
   jour à chaque modification du modèle.
2. La documentation contient au moins :
   a) le nom du modèle, sa version et sa date de publication ;
   b) une description générale de l'architecture, y compris le nombre de paramètres et, pour les
   modèles à mélange d'experts, le nombre de paramètres actifs par jeton ;
   c) les modalités d'entrée et de sortie ainsi que la longueur maximale du contexte ;
   d) une description du processus d'entraînement, y compris les principaux choix de conception,
   les objectifs optimisés et les méthodes employées pour aligner le comportement du modèle ;
   e) les ressources de calcul utilisées pour l'entraînement, exprimées en opérations en virgule
   flottante, et la durée de l'entraînement ;
   f) la licence sous laquelle le modèle est distribué ;
   g) la date jusqu'à laquelle s'étendent les données d'entraînement.
3. Les signataires conservent la documentation de chaque version du modèle pendant dix ans après
   la mise sur le marché de cette version.

### Mesure 1.2 Informations destinées aux fournisseurs en aval {#c1-m2}

1. Les signataires mettent à la disposition des fournisseurs en aval qui intègrent le modèle dans
   un système d'IA les parties de la documentation dont ces fournisseurs ont besoin pour
   comprendre les capacités et les limites du modèle et pour respecter leurs propres obligations.
2. Les informations sont fournies dans un délai de 14 jours à compter de la demande. Lorsque la
   demande concerne un modèle déjà intégré dans un système sur le marché, elles sont fournies dans
   un délai de 7 jours.
3. Les signataires peuvent exiger des fournisseurs en aval qu'ils respectent la confidentialité
   des informations signalées comme secret d'affaires, mais ne peuvent refuser des informations
   pour ce seul motif.

### Mesure 1.3 Informations destinées au Bureau de l'IA {#c1-m3}

1. Sur demande motivée, les signataires fournissent au Bureau de l'IA la documentation établie au
   titre de la mesure 1.1, dans son intégralité et sans retard injustifié.
2. Les signataires désignent un point de contact pour ces demandes et en publient les
   coordonnées.

## Engagement 2 : Transparence sur les données d'entraînement {#c2}

Les signataires s'engagent à expliquer, sous une forme compréhensible par le public, quels
contenus ont servi à entraîner leurs modèles.

### Mesure 2.1 Résumé public des contenus d'entraînement {#c2-m1}

1. Les signataires publient, pour chaque modèle, un résumé des contenus utilisés pour
   l'entraînement, selon le modèle publié par le Bureau de l'IA, et le mettent à jour lorsqu'une
   nouvelle version du modèle est entraînée sur des données sensiblement différentes. Les résumés
   antérieurs restent disponibles.
2. Le résumé énumère les principales catégories de données, telles que :
   a) les contenus web accessibles au public collectés par des robots d'indexation ;
   b) les jeux de données sous licence et les contenus obtenus dans le cadre d'accords
   commerciaux ;
   c) les contenus fournis par les utilisateurs des services du signataire, en précisant si les
   utilisateurs pouvaient s'y opposer ;
   d) les données synthétiques générées par d'autres modèles.
3. Pour chaque catégorie, le résumé indique la part approximative des données d'entraînement
   qu'elle représente, mesurée en jetons ou, pour les autres modalités, dans l'unité fixée par le
   modèle de résumé.

### Mesure 2.2 Robots d'indexation et sources des contenus web {#c2-m2}

1. Lorsque des contenus web ont été collectés, les signataires nomment les robots d'indexation
   utilisés, la période pendant laquelle ils ont fonctionné et les principaux domaines dont les
   contenus proviennent.
2. Les signataires décrivent comment ils ont repéré et respecté les réservations de droits
   lisibles par machine lors de la collecte.

### Mesure 2.3 Traitement et filtrage des données {#c2-m3}

1. Les signataires décrivent les étapes du traitement des données d'entraînement, y compris la
   déduplication, la suppression des données à caractère personnel et le filtrage des contenus
   illicites ou préjudiciables.
2. Lorsque le filtrage reposait sur des classificateurs automatisés, les signataires en décrivent
   la finalité et les taux d'erreur connus.

### Mesure 2.4 Données synthétiques {#c2-m4}

Les signataires indiquent si des données synthétiques ont été utilisées pour l'entraînement, dans
quel but, quels modèles les ont générées et comment leur qualité a été vérifiée avant usage.

## Engagement 3 : Capacités et limites {#c3}

Les signataires s'engagent à documenter ce que leurs modèles sont destinés à faire, ce qu'ils
font notoirement mal et les ressources qu'ils consomment.

### Mesure 3.1 Utilisations prévues et interdites {#c3-m1}

1. Les signataires décrivent les tâches que le modèle est destiné à accomplir et les utilisations
   que sa licence ou sa politique d'utilisation acceptable interdit.
2. La description est rédigée de manière à être comprise par un fournisseur en aval sans
   connaissances spécialisées.

### Mesure 3.2 Limites connues et résultats des évaluations {#c3-m2}

1. Les signataires documentent les limites connues du modèle, y compris les langues dans
   lesquelles ses performances sont nettement inférieures et les tâches pour lesquelles il n'est
   pas fiable.
2. Les signataires publient les résultats des évaluations qu'ils ont menées, avec les bancs
   d'essai utilisés, la version du modèle évaluée et les paramètres, tels que la méthode de
   requête et la température d'échantillonnage, nécessaires pour les reproduire.

### Mesure 3.3 Consommation d'énergie {#c3-m3}

1. Les signataires documentent l'énergie consommée pour entraîner le modèle, mesurée ou, lorsque
   la mesure n'était pas possible, estimée selon une méthode qu'ils décrivent.
2. Lorsque l'énergie a été estimée, la documentation l'indique et précise les principales
   hypothèses de l'estimation.

### Mesure 3.4 Qualité et intégrité de la documentation {#c3-m4}

1. Les signataires mettent en place des procédures internes garantissant que la documentation est
   exacte, complète et protégée contre toute modification non autorisée.
2. Les modifications de la documentation sont consignées avec leur date et leur motif.

### Mesure 3.5 Documentation des modèles publiés sous une licence libre et ouverte {#c3-m5}

1. Les signataires qui publient un modèle sous une licence libre et ouverte peuvent satisfaire à
   la mesure 1.2 en publiant la documentation pertinente avec les poids du modèle.
2. La documentation publiée est conservée à une adresse stable et versionnée avec les poids.

## Question ouverte 1 {#q1}

Le résumé public des contenus d'entraînement doit-il nommer chaque jeu de données, ou des
catégories assorties de leur part approximative suffisent-elles à atteindre l'objectif de
transparence ?

## Question ouverte 2 {#q2}

Comment les fournisseurs de modèles publiés sous une licence libre et ouverte doivent-ils
satisfaire à la mesure 1.2 lorsqu'ils n'ont aucune relation contractuelle avec les fournisseurs
en aval ?

## Question ouverte 3 {#q3}

Quelle unité le modèle de résumé doit-il prévoir pour la part des images, de l'audio et de la
vidéo dans les données d'entraînement, afin que ces parts soient comparables d'un modèle à
l'autre ?
"""


def load(version: Any, chair: Any) -> None:
    """Import both translations of the open version, as its chair would."""
    for language, text in (("de", TRANSPARENCY_V2_DE), ("fr", TRANSPARENCY_V2_FR)):
        import_translation(version, language, text, user=chair)
