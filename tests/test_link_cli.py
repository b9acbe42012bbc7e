"""``kg entities`` and ``kg explain-entity`` on a build directory written by the real graph IO."""

from __future__ import annotations

import json

import pytest
from test_link_helpers import corpus, paper
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.io import save_graph
from kg.link import link


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    g = link(*corpus(
        paper("arxiv:1", "A survey of GANs", "We review [generative adversarial networks|Method] ([GANs|Method]) and [ResNet-50|Model]."),
        paper("arxiv:2", "Faster training", "The [GAN|Method] is trained on [ImageNet|Dataset] with [ResNet|Model]."),
    ))
    out = tmp_path_factory.mktemp("link-build")
    save_graph(g, out)
    return out


def test_entities_json(build_dir):
    r = CliRunner().invoke(app, ["entities", str(build_dir), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows[0] == {"id": "method:generative-adversarial-network", "type": "Method", "name": "generative adversarial networks",
                       "aliases": ["GAN", "GANs"], "papers": 2}
    r = CliRunner().invoke(app, ["entities", str(build_dir), "--type", "model", "--format", "json"])
    assert [x["id"] for x in json.loads(r.stdout)] == ["model:resnet", "model:resnet-50"]


def test_entities_bad_type_and_table(build_dir):
    r = CliRunner().invoke(app, ["entities", str(build_dir), "--type", "gadget"])
    assert r.exit_code == 1 and "Model, Dataset, Method, Metric, Task" in r.output
    r = CliRunner().invoke(app, ["entities", str(build_dir)])
    assert r.exit_code == 0 and "dataset:imagenet" in r.stdout


def test_explain_entity(build_dir):
    r = CliRunner().invoke(app, ["explain-entity", str(build_dir), "GANs"])
    assert r.exit_code == 0, r.output
    assert "abbreviation: defined in arxiv:1" in r.stdout and "not defined in arxiv:2" in r.stdout
    r = CliRunner().invoke(app, ["explain-entity", str(build_dir), "resnet 50", "--json"])
    (item,) = json.loads(r.stdout)
    assert item["id"] == "model:resnet-50" and item["variant_of"] == ["model:resnet"]
    r = CliRunner().invoke(app, ["explain-entity", str(build_dir), "nothing-like-it"])
    assert r.exit_code == 1 and "No entity is named" in r.output
