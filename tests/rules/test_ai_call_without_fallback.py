"""VL506 ai-call-without-fallback: which calls are model calls, and which handlers are fallbacks."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import lint, settings_for

SERVICE = "app/services/answers.py"


def _lines(code: str, path: str = SERVICE, **options: object) -> list[tuple[int, int]]:
    settings = settings_for("VL506", options={"VL504": options} if options else None)
    return [(d.line, d.column) for d in lint(textwrap.dedent(code), settings, path) if d.code == "VL506"]


HEADER = """\
import logging

import openai
from openai import AsyncOpenAI, RateLimitError

logger = logging.getLogger(__name__)


async def answer(client: AsyncOpenAI, backup: AsyncOpenAI, question: str) -> str:
    try:
        response = await client.responses.create(model="gpt-4o", input=question)
"""


@pytest.mark.parametrize(
    "handler",
    [
        "    except RateLimitError:\n        return 'busy'\n",
        "    except (openai.APITimeoutError, RateLimitError):\n        response = None\n",
        "    except (RateLimitError, Exception):\n        return ''\n",
        "    except RateLimitError:\n        logger.warning('busy')\n"
        "        response = await backup.responses.create(model='gpt-4o-mini', input=question)\n",
        "    except RateLimitError:\n        await backup.responses.create(model='gpt-4o-mini', input=question)\n",
        "    except RateLimitError:\n        if question:\n            return 'busy'\n        raise\n",
    ],
)
def test_a_specific_handler_with_a_fallback_guards_the_call(handler: str) -> None:
    assert _lines(HEADER + handler + "    return str(response)\n") == []


@pytest.mark.parametrize(
    "handler",
    [
        "    except RateLimitError:\n        logger.error('busy', exc_info=True)\n        raise\n",
        "    except RateLimitError as exc:\n        raise RuntimeError('busy') from exc\n",
        "    except Exception:\n        return 'busy'\n",
        "    except:\n        return 'busy'\n",
        "    except RateLimitError:\n        logger.warning('busy')\n",
        "    except RateLimitError:\n        response = None\n        raise\n",
    ],
)
def test_a_handler_that_gives_no_fallback_does_not_guard_the_call(handler: str) -> None:
    assert _lines(HEADER + handler + "    return str(response)\n") == [(11, 26)]


def test_else_finally_and_nested_functions_are_not_guarded() -> None:
    code = """\
    from openai import AsyncOpenAI, RateLimitError


    async def answer(client: AsyncOpenAI, question: str) -> object:
        try:
            draft = question.strip()

            async def later() -> object:
                return await client.responses.create(model="gpt-4o", input=draft)
        except RateLimitError:
            return None
        else:
            await client.responses.create(model="gpt-4o", input=draft)
        finally:
            await client.close()
        return later
    """
    assert _lines(code) == [(9, 26), (13, 15), (15, 15)]


def test_clients_are_known_by_import_annotation_or_construction() -> None:
    code = """\
    from typing import Optional

    import litellm
    from qdrant_client import AsyncQdrantClient, models
    from sentence_transformers import SentenceTransformer

    from app.clients import make_client


    class Search:
        store: AsyncQdrantClient

        def __init__(self, encoder: Optional[SentenceTransformer] = None) -> None:
            self.encoder = encoder or SentenceTransformer("all-MiniLM-L6-v2")
            self.other = make_client()

        async def search(self, text: str) -> object:
            point = models.PointStruct(id=1, vector=[0.0], payload={})
            vector = self.encoder.encode(text)
            await self.other.search(vector)
            found = await self.store.query_points("chunks", query=vector)
            reply = await litellm.acompletion(model="gpt-4o", messages=[])
            return point, found, reply
    """
    # A constructor or a data class of the library is no call; an untyped factory's result is unknown.
    assert _lines(code) == [(19, 18), (21, 23), (22, 23)]


def test_only_services_and_workers_are_checked_and_the_clients_come_from_vl504() -> None:
    code = """\
    from my_sdk import Model


    def generate(model: Model) -> str:
        return model.generate("hello")
    """
    assert _lines(code) == []
    assert _lines(code, clients=["my_sdk"]) == [(5, 12)]
    assert _lines(code, "app/workers/jobs.py", clients=["my_sdk"]) == [(5, 12)]
    assert _lines(code, "app/api/routes.py", clients=["my_sdk"]) == []


def test_data_classes_and_helpers_of_a_client_library_are_no_model_calls() -> None:
    # Seen in r2r: a response object of the library, and litellm's token counting helpers.
    code = """\
    from anthropic.types import Message
    from litellm import get_model_info, token_counter


    def convert(message: Message, model: str) -> dict[str, object]:
        name = message.model or ""
        limit = get_model_info(model=model)
        return {"model": name.split("/")[-1], "tokens": token_counter(model=model, text=name), "limit": limit}
    """
    assert _lines(code) == []
