"""Fuzzing each stage, and the whole configured pipeline, with Arabic-like text
(tests/hostile/strategies.py), checking the FORMAT.md invariants: spans index
the original text, tokens never overlap, sentences cover tokens, entities do
not overlap, labels and kinds come from the allowed sets, and no stage fails
on any input. Short runs for CI; benchmarks/fuzz_long.py runs long ones."""

import pytest
from hypothesis import HealthCheck, given, settings

from tests.hostile import properties
from tests.hostile.stages import usable_stages
from tests.hostile.strategies import articles, number_phrases

CI = settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@CI
@given(articles())
def test_tokenizer_and_sentence_splitter(text):
    properties.tokenizer_and_splitter(text)


@CI
@given(articles())
def test_normalizer_offset_map(text):
    properties.normalizer(text)


def stage_prefixes():
    names = usable_stages()
    return [names[:i] for i in range(2, len(names) + 1)]


@pytest.mark.parametrize("names", stage_prefixes(), ids=lambda n: "+".join(n))
@CI
@given(text=articles())
def test_stages(names, text):
    properties.stage_chain(names, text)


@settings(CI, max_examples=60)
@given(articles())
def test_whole_pipeline_to_an_output_line(text):
    properties.output_line(usable_stages(), text)


@settings(CI, max_examples=80)
@given(number_phrases())
def test_number_dense_text_through_the_whole_pipeline(text):
    properties.output_line(usable_stages(), text)
