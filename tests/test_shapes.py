"""Each SHACL shape accepts a conforming example and rejects a violating one."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.graph.validate import hoist_property_shapes, shapes_graph, validate_graph
from kaltim_kg.namespaces import SH

PREFIXES = """
@prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ex: <http://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

# A minimal world in which every shape has exactly one conforming focus node.
WORLD = {
    "country": """ex:jp a kkg:Country ; rdfs:label "Jepang"@id , "Japan"@en ;
        kkg:isoAlpha2 "JP" ; kkg:isoAlpha3 "JPN" ; kkg:isoNumeric "392" ; kkg:unM49 "392" ;
        owl:sameAs <http://www.wikidata.org/entity/Q17> , <http://sws.geonames.org/1861060/> .""",
    "region": """ex:ki a kkg:Region ; rdfs:label "Kalimantan Timur"@id , "East Kalimantan"@en ;
        kkg:isoSubdivisionCode "ID-KI" ; kkg:inCountry ex:jp ;
        owl:sameAs <http://www.wikidata.org/entity/Q3899> .""",
    "commodity": """ex:shrimp a kkg:Commodity ; rdfs:label "Udang"@id , "Shrimp"@en ; kkg:hsCode "0306" ;
        kkg:hsClass ex:h0306 .""",
    "regency": """ex:balikpapan a kkg:Regency ; rdfs:label "Kota Balikpapan"@id ; kkg:bpsCode "6471" ;
        kkg:regencyKind kkg:Kota ; kkg:province ex:ki .""",
    "hs-scheme": """ex:hs a skos:ConceptScheme .""",
    "hs-section": """ex:hI a skos:Concept , kkg:HSSection ; skos:notation "I" ; skos:inScheme ex:hs ;
        skos:prefLabel "Live animals; animal products"@en ; skos:topConceptOf ex:hs .""",
    "hs-chapter": """ex:h03 a skos:Concept , kkg:HSChapter ; skos:notation "03" ; skos:inScheme ex:hs ;
        skos:prefLabel "Fish and crustaceans"@en ; skos:broader ex:hI .""",
    "hs-heading": """ex:h0306 a skos:Concept , kkg:HSHeading ; skos:notation "0306" ; skos:inScheme ex:hs ;
        skos:prefLabel "Crustaceans"@en ; skos:broader ex:h03 .""",
    "hs-subheading": """ex:h030617 a skos:Concept , kkg:HSSubheading ; skos:notation "030617" ;
        skos:inScheme ex:hs ; skos:prefLabel "Shrimps and prawns, frozen"@en ; skos:broader ex:h0306 .""",
    "currency": """ex:idr a kkg:Currency ; rdfs:label "Rupiah"@id , "Rupiah"@en ; kkg:iso4217Code "IDR" ;
        kkg:iso4217Numeric "360" ; skos:inScheme ex:iso4217 . ex:iso4217 a skos:ConceptScheme .""",
    "article": """ex:article a schema:NewsArticle ; schema:headline "Judul"@id ;
        schema:datePublished "2021-02-03"^^xsd:date ; schema:inLanguage "id" ;
        schema:url <http://example.org/news> ; schema:publisher ex:paper .""",
    "agency": """ex:dinas a kkg:Agency , kkg:IPSKA ; rdfs:label "Dinas"@id , "Office"@en ;
        kkg:jurisdiction ex:ki ; kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "person": """ex:roby a kkg:Person ; rdfs:label "Roby" ; schema:jobTitle "Kepala"@id , "Head"@en ;
        org:headOf ex:dinas ; kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "cohort": """ex:cohort a kkg:SMECohort ; rdfs:label "UKM"@id , "SMEs"@en ; kkg:period "2020"^^xsd:gYear ;
        kkg:memberCount "15"^^xsd:nonNegativeInteger ; kkg:tradeType kkg:Export ; kkg:certifiedBy ex:dinas ;
        kkg:tradeValue ex:value ; kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "value": """ex:value a schema:MonetaryAmount ; schema:value "428200000000"^^xsd:decimal ; schema:currency "IDR" .""",
    "flow": """ex:flow a kkg:ExportFlow ; kkg:commodity ex:shrimp ; kkg:destination ex:jp ; kkg:origin ex:ki ;
        kkg:exporter ex:cohort ; kkg:period "2020"^^xsd:gYear ;
        kkg:evidence "Udang diberangkatkan ke Jepang."@id ; prov:wasDerivedFrom ex:article .""",
    "world-region": """ex:europe a kkg:WorldRegion ; rdfs:label "Eropa"@id , "Europe"@en ; kkg:unM49 "150" .""",
    "quantity": """ex:q a kkg:Quantity ; schema:value "1500000"^^xsd:decimal ; kkg:precision "100000"^^xsd:decimal ;
        kkg:qualifier kkg:AtLeast ; schema:unitCode "IE" .""",
    "event": """ex:release a kkg:Event , kkg:ExportRelease ; rdfs:label "Pelepasan ekspor"@id , "Export send-off"@en ;
        schema:startDate "2021-03-24"^^xsd:date ; schema:organizer ex:dinas ;
        kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "total": """ex:total a kkg:TradeTotal ; kkg:tradeType kkg:InterRegionalTrade ; kkg:origin ex:ki ;
        kkg:tradePartner ex:ki ; kkg:tradeValue ex:value ;
        kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "product": """ex:product a kkg:ExportedProduct ; kkg:commodity ex:shrimp ; kkg:origin ex:ki ;
        kkg:distinctive true ; kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "business-count": """ex:count a kkg:BusinessCount ; rdfs:label "Usaha mikro"@id , "Micro enterprises"@en ;
        kkg:area ex:ki ; kkg:sizeClass kkg:MicroEnterprise ; kkg:businessCount "297207"^^xsd:nonNegativeInteger ;
        kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "measure": """ex:growth a kkg:Measure , kkg:GrowthRate ; rdfs:label "Pertumbuhan"@id , "Growth"@en ;
        kkg:quantity ex:q ; kkg:nationalRank "2"^^xsd:positiveInteger ;
        kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "target": """ex:target a kkg:Target ; rdfs:label "Target"@id , "Target"@en ; kkg:period "2023"^^xsd:gYear ;
        kkg:quantity ex:q ; kkg:setBy ex:dinas ;
        kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
    "statement": """ex:said a kkg:Statement , kkg:Quotation ; kkg:statementText "Patut kita apresiasi"@id ;
        kkg:speaker ex:roby ; kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .""",
}

# shape → (part of the world to replace, its violating version, expected focus node)
VIOLATIONS = {
    "CountryShape": (
        "country",
        WORLD["country"].replace('kkg:isoAlpha2 "JP"', 'kkg:isoAlpha2 "jp"'),
        "jp",
    ),
    "RegionShape": ("region", WORLD["region"].replace('"ID-KI"', '"Kaltim"'), "ki"),
    "CommodityShape": ("commodity", WORLD["commodity"].replace('"0306"', '"03061"'), "shrimp"),
    "RegencyShape": (  # a regency is in a province, not a country
        "regency",
        WORLD["regency"].replace("kkg:province ex:ki", "kkg:province ex:jp"),
        "balikpapan",
    ),
    "HSSectionShape": ("hs-section", WORLD["hs-section"].replace('"I"', '"1"'), "hI"),
    "HSChapterShape": (  # a chapter's broader concept is a section, not another chapter
        "hs-chapter",
        WORLD["hs-chapter"].replace("skos:broader ex:hI", "skos:broader ex:h03"),
        "h03",
    ),
    "HSHeadingShape": ("hs-heading", WORLD["hs-heading"].replace('"0306"', '"306"'), "h0306"),
    "HSSubheadingShape": (  # a subheading hangs under its heading, not straight under the chapter
        "hs-subheading",
        WORLD["hs-subheading"].replace("skos:broader ex:h0306", "skos:broader ex:h03"),
        "h030617",
    ),
    "CurrencyShape": ("currency", WORLD["currency"].replace('"IDR"', '"Rupiah"'), "idr"),
    "NewsArticleShape": (
        "article",
        WORLD["article"].replace('"2021-02-03"^^xsd:date', '"3 Feb 2021"'),
        "article",
    ),
    "AgencyShape": ("agency", WORLD["agency"].replace(', "Office"@en', ""), "dinas"),
    "PersonShape": ("person", WORLD["person"].replace(', "Head"@en', ""), "roby"),
    "SMECohortShape": (
        "cohort",
        WORLD["cohort"].replace('"15"^^xsd:nonNegativeInteger', '"-3"^^xsd:integer'),
        "cohort",
    ),
    "MonetaryAmountShape": (
        "value",
        WORLD["value"].replace('"428200000000"^^xsd:decimal', '"-1"^^xsd:decimal'),
        "value",
    ),
    "ExportFlowShape": (
        "flow",
        WORLD["flow"].replace("kkg:destination ex:jp ;", "kkg:destination ex:jp , ex:ki ;"),
        "flow",
    ),
    "WorldRegionShape": (
        "world-region",
        WORLD["world-region"].replace('"150"', '"Europe"'),
        "europe",
    ),
    "QuantityShape": (
        "quantity",
        WORLD["quantity"].replace('"100000"^^xsd:decimal', '"0"^^xsd:decimal'),  # no precision 0
        "q",
    ),
    "EventShape": ("event", WORLD["event"].replace('"2021-03-24"^^xsd:date', '"Rabu"'), "release"),
    "TradeTotalShape": (  # a partner and a destination: the direction is stated or it is not
        "total",
        WORLD["total"].replace(
            "kkg:tradePartner ex:ki ;", "kkg:tradePartner ex:ki ; kkg:destination ex:jp ;"
        ),
        "total",
    ),
    "ExportedProductShape": (
        "product",
        WORLD["product"].replace("kkg:commodity ex:shrimp ;", ""),
        "product",
    ),
    "BusinessCountShape": (
        "business-count",
        WORLD["business-count"].replace(
            "kkg:sizeClass kkg:MicroEnterprise", "kkg:sizeClass kkg:Export"
        ),
        "count",
    ),
    "MeasureShape": ("measure", WORLD["measure"].replace("kkg:quantity ex:q ;", ""), "growth"),
    "TargetShape": (  # a target states a goal, never an outcome
        "target",
        WORLD["target"].replace(
            "kkg:setBy ex:dinas ;", "kkg:setBy ex:dinas ; kkg:tradeValue ex:value ;"
        ),
        "target",
    ),
    "StatementShape": (
        "statement",
        WORLD["statement"].replace('kkg:evidence "Kalimat bukti yang panjang."@id ;', ""),
        "said",
    ),
}


def world(**replaced: str) -> Graph:
    parts = {**WORLD, **replaced}
    return Graph().parse(data=PREFIXES + "\n".join(parts.values()), format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def test_every_node_shape_has_a_violation_case():
    shapes = shapes_graph()
    names = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(None, SH.NodeShape)}
    assert names == set(VIOLATIONS)


def test_the_minimal_world_conforms(ontology):
    report = validate_graph(world(), ontology=ontology)
    assert report.conforms, report.text


@pytest.mark.parametrize("shape", sorted(VIOLATIONS))
def test_violating_example_is_rejected_by_its_shape(ontology, shapes, shape):
    part, broken, focus = VIOLATIONS[shape]
    report = validate_graph(world(**{part: broken}), ontology=ontology, shapes=shapes)
    assert not report.conforms
    results = report.graph
    focus_nodes = {results.value(r, SH.focusNode) for r in results.subjects(SH.focusNode, None)}
    assert URIRef(f"http://example.org/{focus}") in focus_nodes, report.text
    source_shapes = {
        str(results.value(r, SH.sourceShape)) for r in results.subjects(SH.focusNode, None)
    }
    shape_iri = f"https://w3id.org/kaltim-kg/shapes#{shape}"
    # A violation comes from the shape itself or from one of its property shapes.
    own = {shape_iri} | {str(p) for p in shapes.objects(URIRef(shape_iri), SH.property)}
    assert source_shapes & own, report.text


def test_member_count_as_read_back_from_oxigraph_conforms(ontology, shapes):
    """Regression: Oxigraph stores xsd:nonNegativeInteger as xsd:integer (oxigraph#526)."""
    cohort = WORLD["cohort"].replace('"15"^^xsd:nonNegativeInteger', '"15"^^xsd:integer')
    report = validate_graph(world(cohort=cohort), ontology=ontology, shapes=shapes)
    assert report.conforms, report.text


# More kinds of violation beside VIOLATIONS, for comparing whole result sets.
MORE_VIOLATIONS = """
ex:flow2 a kkg:ExportFlow ; kkg:commodity ex:jp ; kkg:destination ex:jp ;
    kkg:exporter ex:cohort ; kkg:period "2020"^^xsd:gYear ; kkg:valueIdr "many" ;
    kkg:month "March" ; kkg:netWeightKg "-5"^^xsd:decimal ;
    kkg:evidence "Udang diberangkatkan ke Jepang."@id ; prov:wasDerivedFrom ex:article .
[] a kkg:ExportFlow ; kkg:commodity ex:shrimp ; kkg:destination ex:jp ; kkg:origin ex:ki ;
    kkg:exporter ex:cohort ; kkg:period "2020"^^xsd:gYear ;
    kkg:evidence "Udang diberangkatkan ke Jepang."@id ; prov:wasDerivedFrom ex:article .
ex:cohort2 a kkg:SMECohort ; rdfs:label "UKM"@id , "SMEs"@en ; kkg:period "2020"^^xsd:gYear ;
    kkg:memberCount "lima belas" ; kkg:tradeType kkg:Import ; kkg:certifiedBy ex:jp ;
    kkg:tradeValue [ a schema:MonetaryAmount ; schema:value "7"^^xsd:decimal ] ;
    kkg:evidence "Kalimat bukti yang panjang."@id ; prov:wasDerivedFrom ex:article .
"""


def _result_rows(report: Graph) -> list[tuple[str, ...]]:
    """Every validation result as comparable text; blank nodes as `_` (ids may differ)."""

    def text(node: object) -> str:
        return "_" if isinstance(node, BNode) or node is None else str(node)

    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            tuple(
                text(report.value(result, p))
                for p in (
                    SH.focusNode,
                    SH.resultPath,
                    SH.value,
                    SH.sourceShape,
                    SH.sourceConstraintComponent,
                    SH.resultSeverity,
                )
            )
            + tuple(sorted(str(m) for m in report.objects(result, SH.resultMessage)))
        )
    return sorted(rows)


def test_hoisted_property_shapes_report_exactly_the_same_results(ontology, shapes):
    """The batched gate validates with `hoist_property_shapes` (faster in pySHACL): every
    result must be the one the shapes as written give, for every kind of constraint."""
    broken = {part: text for part, text, _ in VIOLATIONS.values()}
    data = world(**broken)
    data.parse(data=PREFIXES + MORE_VIOLATIONS, format="turtle")
    as_written = validate_graph(data, ontology=ontology, shapes=shapes)
    hoisted = validate_graph(data, ontology=ontology, shapes=hoist_property_shapes(shapes))
    rows = _result_rows(as_written.graph)
    components = {row[4].rsplit("#", 1)[1] for row in rows}
    # The comparison means something only if many kinds of constraint fail here.
    assert {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "ClassConstraintComponent",
        "DatatypeConstraintComponent",
        "PatternConstraintComponent",
        "MinInclusiveConstraintComponent",
        "OrConstraintComponent",
        "NodeConstraintComponent",
        "NodeKindConstraintComponent",
        "InConstraintComponent",
    } <= components, components
    assert _result_rows(hoisted.graph) == rows
    assert hoisted.lines == as_written.lines
    assert hoisted.conforms is as_written.conforms is False


def test_hoisting_moves_only_the_property_shapes_of_targeted_node_shapes():
    shapes = shapes_graph()  # its own copy: pySHACL adds to the graphs it is given
    before = set(shapes)
    hoisted = hoist_property_shapes(shapes)
    flow = URIRef("https://w3id.org/kaltim-kg/shapes#ExportFlowShape")
    amount = URIRef("https://w3id.org/kaltim-kg/shapes#MonetaryAmountShape")  # used by sh:node
    assert list(hoisted.objects(flow, SH.property)) == []
    for prop in shapes.objects(flow, SH.property):
        # a property shape shared by several node shapes takes the targets of each
        assert set(shapes.objects(flow, SH.targetClass)) <= set(
            hoisted.objects(prop, SH.targetClass)
        )
    assert set(hoisted.objects(amount, SH.property)) == set(shapes.objects(amount, SH.property))
    assert set(shapes) == before  # the shapes given were not changed


@pytest.mark.parametrize(
    "extra",
    [
        "sh:closed true ; sh:ignoredProperties ( rdf:type )",  # reads its sh:property paths
        "sh:deactivated true",
        "a rdfs:Class",  # an implicit class target
    ],
)
def test_shapes_that_need_their_property_shapes_keep_them(extra):
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
        f"<urn:S> a sh:NodeShape ; sh:targetClass <urn:C> ; {extra} ; "
        "sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .",
        format="turtle",
    )
    hoisted = hoist_property_shapes(shapes)
    assert set(hoisted) == set(shapes)
