"""DCAT at /catalog: DCAT-AP 3.0.1 and 2.1.1 with zero violations, and true content."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

from kaltim_kg.namespaces import SPDX, VCARD
from tests.shacl_check import results, shapes

DATASET = URIRef("https://w3id.org/kaltim-kg/dataset")
PROFILES = {
    "3.0.1": ("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl"),
    "2.1.1": (
        "dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl",
        "dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_range.ttl",
    ),
}
RECOMMENDED = {
    "3.0.1": "dcat-ap-3.0.1/shapes_recommended.ttl",
    "2.1.1": "dcat-ap-2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
}


def catalog(client, **query) -> Graph:
    response = client.get("/catalog", query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.get_data(), format="turtle")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_catalog_has_no_dcat_ap_violations(client, profile):
    found = results(catalog(client, profile=profile), shapes(*PROFILES[profile]))
    assert found.get("Violation", []) == []


# Recommended properties we leave out on purpose, each for a reason (see README).
OMITTED = (
    "dcat:bbox",  # no geometry of our own: the place IRIs (GeoNames, Wikidata) carry it
    "dcat:centroid",
    "<https://w3id.org/kaltim-kg/catalog>->dct:issued",  # no honest first-issue date yet
    "<https://w3id.org/kaltim-kg/dataset/publisher>->dct:type",  # not a public body
    "<https://w3id.org/kaltim-kg/dataset/distribution/sparql>->dct:format",  # a service
    # A reference vocabulary (graph/countries, graph/hs2022, ...) covers no period, and only
    # the provinces and regencies one place (Indonesia).
    *(
        f"<https://w3id.org/kaltim-kg/graph/{name}>->{p}"
        for name in ("countries", "world-regions", "hs2022", "currencies", "commodities")
        for p in ("dct:spatial", "dct:temporal")
    ),
    "<https://w3id.org/kaltim-kg/graph/provinces>->dct:temporal",
    "<https://w3id.org/kaltim-kg/graph/regencies>->dct:temporal",
)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_catalog_meets_the_recommended_properties(client, profile):
    found = results(catalog(client, profile=profile), shapes(RECOMMENDED[profile]))
    missing = [m for m in found.get("Warning", []) if not m.endswith(OMITTED)]
    assert missing == []
    assert set(found) <= {"Warning"}


def test_shapes_do_catch_a_broken_catalog(client):
    graph = catalog(client)
    graph.remove((DATASET, DCTERMS.title, None))
    assert results(graph, shapes(*PROFILES["3.0.1"]))["Violation"]


def test_dataset_description(client):
    g = catalog(client)
    assert (DATASET, RDF.type, DCAT.Dataset) in g
    assert g.value(DATASET, DCTERMS.identifier) == Literal(str(DATASET))
    for predicate in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
        assert {o.language for o in g.objects(DATASET, predicate)} == {"id", "en"}
    assert g.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    contact = g.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    period = g.value(DATASET, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2020-12-31", datatype=XSD.date)
    places = set(g.objects(DATASET, DCTERMS.spatial))
    assert {
        URIRef("https://w3id.org/kaltim-kg/id/region/ID-KI"),
        URIRef("http://sws.geonames.org/1641897/"),
        URIRef("http://www.wikidata.org/entity/Q3899"),
    } <= places


def test_a_distribution_per_dump_with_true_size_and_checksum(client):
    g = catalog(client)
    listing = {f["url"]: f for f in client.get("/dumps/?format=json").get_json()["files"]}
    downloads = {}
    for dist in g.objects(DATASET, DCAT.distribution):
        url = g.value(dist, DCAT.downloadURL)
        if url is not None:
            downloads[str(url)] = dist
    assert set(downloads) == {u for u, f in listing.items() if f["name"] != "SHA256SUMS"}
    for url, dist in downloads.items():
        info = listing[url]
        assert g.value(dist, DCAT.byteSize).toPython() == info["bytes"]
        checksum = g.value(dist, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == info["sha256"]
        media = str(g.value(dist, DCAT.mediaType))
        assert media == f"https://www.iana.org/assignments/media-types/{info['media_type']}"
        assert str(g.value(dist, DCAT.accessURL)) == "http://localhost/dumps/"
        assert client.head(url.removeprefix("http://localhost")).status_code == 200


def test_sparql_endpoint_is_a_data_service(client):
    g = catalog(client)
    (service,) = g.subjects(RDF.type, DCAT.DataService)
    assert g.value(service, DCAT.endpointURL) == URIRef("http://localhost/sparql")
    assert (service, DCAT.servesDataset, DATASET) in g


def test_jsonld_by_accept_holds_the_same_catalog(client):
    response = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    assert "Accept" in response.vary
    as_jsonld = Graph().parse(data=response.get_data(), format="json-ld")
    assert len(as_jsonld) == len(catalog(client))
    assert (DATASET, RDF.type, DCAT.Dataset) in as_jsonld


def test_unknown_profile_is_400(client):
    response = client.get("/catalog", query_string={"profile": "9"})
    assert response.status_code == 400
