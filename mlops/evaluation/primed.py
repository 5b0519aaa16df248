"""Embeddings primed with one batched encode, so RAGAS SemanticSimilarity need not encode per text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ragas.embeddings.base import BaseRagasEmbedding


class PrimedEmbeddings(BaseRagasEmbedding):
    """Serves vectors computed by prime() in one batch; any other text is encoded on demand."""

    def __init__(self, inner: BaseRagasEmbedding) -> None:
        super().__init__()
        self.inner = inner
        self.vectors: dict[str, list[float]] = {}

    def prime(self, texts: Iterable[str]) -> None:
        """Encode the texts not yet known, in one batch."""
        new = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if new:
            self.vectors.update(zip(new, self.inner.embed_texts(new), strict=True))

    def embed_text(self, text: str, **kwargs: Any) -> list[float]:
        """The primed vector, else a fresh encode."""
        if text not in self.vectors:
            self.vectors[text] = self.inner.embed_text(text, **kwargs)
        return self.vectors[text]

    async def aembed_text(self, text: str, **kwargs: Any) -> list[float]:
        """Same as embed_text (vectors are primed, the rare miss is a short local encode)."""
        return self.embed_text(text, **kwargs)
