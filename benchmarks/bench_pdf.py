"""PDF reading: pages/s and segmentation of the PDF reader on generated UN-style resolutions.

Generates ``--docs`` invented resolutions (the phrase lists of ``tests/synthetic.py``, no corpus
text) as A4 PDFs with matplotlib (TrueType fonts, a real text layer) in the layout of a UN
resolution: a masthead (symbol, body, distribution, session, agenda item, adoption line,
committee note, title), running headers (symbol and title, swapping sides page to page) and
footers (page "2/5" and job number "24-12345", "24-12345 (E)" on the first page) in a small
font, superscript footnote
markers with footnotes at the page bottom, first-line indents, numbered operative paragraphs
with lettered sub-items, and paragraphs that run over page breaks.

Reads each PDF with ``pipelines.corpus.pdf.read`` and prints pages/s (wall and CPU) and the
clauses compared with the list the generator laid out: identical (in order), differing (expected
but not read as such), unexpected (read but not expected), documents read exactly, and leaks
(a running header, job number, page number or footnote text inside a clause).
``--baseline REV`` also measures the reader as it was at git revision REV (e.g. the pdfplumber
reader before the switch to pypdfium2: ``--baseline f9366ef``; needs pdfplumber installed).

    .venv/bin/python benchmarks/bench_pdf.py [--docs 30] [--seed 5] [--repeat 3] [--baseline REV]
                                             [--keep DIR]
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import io
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ROOT, banner, table
from _common import write_results as save

sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from synthetic import OBJECTS, OPERATIVE, PREAMBULAR, SUBITEMS, TAILS, TOPICS  # noqa: E402

TARGET_PAGES_PER_S = 20.0

# Page geometry in points (A4), fonts and sizes of a UN resolution.
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 770.0, 72.0
BODY, LEAD, NOTE, NOTE_LEAD, MARK = 10.0, 12.0, 8.0, 9.5, 6.0
INDENT, SUB_INDENT, PARA_SPACE = 36.0, 72.0, 6.0
FAMILY = "DejaVu Serif"

ORDINALS = ["Seventy-first", "Seventy-second", "Seventy-third", "Seventy-fourth", "Seventy-fifth",
            "Seventy-sixth", "Seventy-seventh", "Seventy-eighth", "Seventy-ninth"]
COMMITTEES = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"]
MONTHS = ["January", "March", "May", "June", "September", "October", "November", "December"]
EXTENSIONS = [
    "including its resolution {res} of {date}",
    "as well as {obj} on {topic}",
    "and stressing the need to address {topic} in a comprehensive and coordinated manner",
    "with a view to strengthening the exchange of information on {topic}",
    "taking into account the different national circumstances and capacities",
    "in close cooperation with {tail} and other relevant stakeholders",
]
NOTES = [
    "See the report of the working group on {topic} ({sym}), annex.",
    "Adopted at the {ordinal} meeting of the regional commission on {date}.",
    "Available from the website of the secretariat of the working group ({sym}).",
    "Document {sym}, sect. II.",
]


# --------------------------------------------------------------------------- documents

@dataclass
class Para:
    """A paragraph as composed: words (a word may carry a footnote), font and indents."""

    words: list[str]
    notes: dict[int, str] = field(default_factory=dict)  # word index -> footnote text
    size: float = BODY
    bold: bool = False
    first: float = INDENT  # first-line indent
    rest: float = 0.0  # indent of the following lines
    space: float = PARA_SPACE  # space above
    clause: bool = True  # a clause of its own (False: it continues the previous clause)

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Resolution:
    """One invented resolution: its masthead, paragraphs and the clauses a reader should find."""

    symbol: str
    job: str
    title: str
    masthead: list[tuple[float, float, str, float, bool]]  # x, y, text, size, bold (page 1)
    paras: list[Para]

    def expected(self) -> list[str]:
        """Clause texts in order: masthead lines, then paragraphs (sub-items join their parent)."""
        out = [text for _x, _y, text, _s, _b in self.masthead]
        for para in self.paras:
            if para.clause or not out:
                out.append(para.text)
            else:
                out[-1] += " " + para.text
        return out

    def footnotes(self) -> list[str]:
        """The footnote texts (without their numbers): never part of a clause."""
        return [n.split(" ", 1)[1] for p in self.paras for n in p.notes.values()]


def _fill(rng: random.Random, template: str, session: int) -> str:
    return template.format(
        res=f"{session - rng.randint(1, 6)}/{rng.randint(1, 320)}",
        date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {2010 + rng.randint(0, 14)}",
        obj=rng.choice(OBJECTS), topic=rng.choice(TOPICS), tail=rng.choice(TAILS),
        sym=f"A/{session - 1}/{rng.randint(100, 900)}", ordinal=rng.choice(COMMITTEES).lower())


def _body(rng: random.Random, opening: str, session: int, parts: int) -> str:
    return ", ".join([opening] + [_fill(rng, rng.choice(EXTENSIONS), session) for _ in range(parts)])


def make_resolution(rng: random.Random, number: int) -> Resolution:
    """An invented resolution of about four pages (own text from the synthetic phrase lists)."""
    session = 71 + rng.randint(0, 8)
    symbol = f"A/RES/{session}/{number}"
    job = f"{rng.randint(17, 25)}-{rng.randint(10000, 29999)}"
    topic = rng.choice(TOPICS)
    title = ("Strengthening " + topic) if rng.random() < 0.4 else topic[0].upper() + topic[1:]
    adopted = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {2000 + session - 55}"
    masthead = [(RIGHT, 800.0, symbol, 10.0, True),
                (LEFT, 782.0, "United Nations", 12.0, True),
                (LEFT, 766.0, "General Assembly", 14.0, True),
                (400.0, 748.0, "Distr.: General", 10.0, False),
                (400.0, 736.0, adopted, 10.0, False),
                (LEFT, 712.0, f"{ORDINALS[session - 71]} session", 10.0, True),
                (LEFT, 700.0, f"Agenda item {rng.randint(10, 140)}", 10.0, False),
                (LEFT, 676.0, f"Resolution adopted by the General Assembly on {adopted}", 12.0, True),
                (LEFT, 658.0, f"[on the report of the {rng.choice(COMMITTEES)} Committee "
                              f"(A/{session}/{rng.randint(400, 700)})]", 10.0, False)]
    paras = [Para(f"{session}/{number}. {title}".split(), size=12.0, bold=True, first=0.0,
                  rest=0.0, space=0.0),
             Para(["The", "General", "Assembly,"], space=10.0)]
    note_no = 0

    def add(para: Para) -> None:
        nonlocal note_no
        if rng.random() < 0.25 and len(para.words) > 8:
            note_no += 1
            at = rng.randrange(3, len(para.words) - 1)
            para.notes[at] = f"{note_no} " + _fill(rng, rng.choice(NOTES), session)
        paras.append(para)

    for _ in range(rng.randint(12, 18)):
        phrase = rng.choice(PREAMBULAR)[0]
        add(Para((_body(rng, f"{phrase} {rng.choice(OBJECTS)} concerning {rng.choice(TOPICS)}",
                        session, rng.randint(1, 3)) + ",").split()))
    n_op = rng.randint(16, 26)
    for i in range(1, n_op + 1):
        end = "." if i == n_op else ";"
        if rng.random() < 0.2 and i < n_op:
            add(Para(f"{i}. Requests the Secretary-General, in consultation with "
                     f"{rng.choice(TAILS)}:".split()))
            for j in range(rng.randint(2, 4)):
                add(Para(f"({'abcd'[j]}) {rng.choice(SUBITEMS)} on {rng.choice(TOPICS)};".split(),
                         first=SUB_INDENT, clause=False))
            continue
        phrase = rng.choice(OPERATIVE)[0]
        opening = f"{i}. {phrase} {rng.choice(TAILS)} to give further attention to {rng.choice(TOPICS)}"
        add(Para((_body(rng, opening, session, rng.randint(0, 3)) + end).split()))
    paras.append(Para(f"{rng.randint(40, 90)}th plenary meeting".split(), first=300.0, space=18.0))
    paras.append(Para(adopted.split(), first=300.0, space=0.0))
    return Resolution(symbol, job, title, masthead, paras)


# --------------------------------------------------------------------------- layout

class _Measure:
    """Text widths in points for the generator's fonts (matplotlib's own text-to-path engine)."""

    def __init__(self) -> None:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        self._engine, self._props, self._cache = TextToPath(), FontProperties, {}

    def __call__(self, text: str, size: float, bold: bool = False) -> float:
        key = (text, size, bold)
        if key not in self._cache:
            prop = self._props(family=FAMILY, size=size, weight="bold" if bold else "normal")
            self._cache[key] = self._engine.get_text_width_height_descent(text, prop, ismath=False)[0]
        return self._cache[key]


@dataclass
class _Line:
    x: float
    y: float
    runs: list[tuple[str, str | None]]  # text, footnote marker after it
    size: float
    bold: bool


def _wrap(para: Para, width: _Measure) -> list[tuple[float, list[tuple[str, str | None]]]]:
    """A paragraph's lines: (indent, runs), a run ending where a footnote marker follows."""
    lines: list[tuple[float, list[int]]] = []
    indent, current, used = para.first, [], 0.0
    space = width(" ", para.size, para.bold)
    for i, word in enumerate(para.words):
        w = width(word, para.size, para.bold) + (width("9", MARK) if i in para.notes else 0.0)
        if current and LEFT + indent + used + space + w > RIGHT:
            lines.append((indent, current))
            indent, current, used = para.rest, [], 0.0
        used += (space if current else 0.0) + w
        current.append(i)
    lines.append((indent, current))
    out = []
    for indent, idx in lines:
        runs, words = [], []
        for i in idx:
            words.append(para.words[i])
            if i in para.notes:
                runs.append((" ".join(words), para.notes[i].split()[0]))
                words = [""]  # the next run starts with the space after the marker
        if words and any(words):
            runs.append((" ".join(words), None))
        out.append((indent, runs))
    return out


def layout(doc: Resolution) -> list[tuple[list[_Line], list[str]]]:
    """Pages of body lines and footnotes, paragraphs flowing over page breaks."""
    width = _Measure()
    pages: list[tuple[list[_Line], list[str]]] = [([], [])]
    y = 640.0  # below the masthead
    for para in doc.paras:
        y -= para.space if pages[-1][0] else 0.0
        for indent, runs in _wrap(para, width):
            lines, notes = pages[-1]
            new_notes = [para.notes[i] for i in sorted(para.notes)
                         if any(m == para.notes[i].split()[0] for _t, m in runs)]
            floor = BOTTOM + 14.0 + NOTE_LEAD * (len(notes) + len(new_notes))
            if y - para.size < floor:
                pages.append(([], []))
                lines, notes = pages[-1]
                y = TOP
            lines.append(_Line(LEFT + indent, y, runs, para.size, para.bold))
            notes.extend(new_notes)
            y -= LEAD if para.size <= BODY else para.size * 1.25
    return pages


def render(doc: Resolution) -> tuple[bytes, int]:
    """The resolution as PDF bytes (matplotlib, TrueType fonts) and its page count."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["pdf.fonttype"] = 42
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    width = _Measure()
    pages = layout(doc)
    buf = io.BytesIO()

    def put(fig: Any, x: float, y: float, text: str, size: float, bold: bool = False,
            ha: str = "left") -> None:
        fig.text(x / PAGE_W, y / PAGE_H, text, fontsize=size, family=FAMILY, ha=ha,
                 weight="bold" if bold else "normal")

    with PdfPages(buf, metadata={"Title": doc.title}) as out:
        for number, (lines, notes) in enumerate(pages, start=1):
            fig = plt.figure(figsize=(PAGE_W / 72, PAGE_H / 72))
            if number == 1:
                for x, y, text, size, bold in doc.masthead:
                    put(fig, x, y, text, size, bold, ha="right" if x == RIGHT else "left")
                put(fig, LEFT, 40.0, doc.job + " (E)", NOTE)
            else:
                even = number % 2 == 0
                put(fig, LEFT, 800.0, doc.symbol if even else doc.title, 9.0, even)
                put(fig, RIGHT, 800.0, doc.title if even else doc.symbol, 9.0, not even, ha="right")
                put(fig, LEFT, 40.0, f"{number}/{len(pages)}" if even else doc.job, NOTE)
                put(fig, RIGHT, 40.0, doc.job if even else f"{number}/{len(pages)}", NOTE, ha="right")
            for line in lines:
                x = line.x
                for text, marker in line.runs:
                    put(fig, x, line.y, text, line.size, line.bold)
                    x += width(text, line.size, line.bold)
                    if marker:
                        put(fig, x + 0.5, line.y + 3.5, marker, MARK)
                        x += width(marker, MARK) + 1.0
            if notes:
                y = BOTTOM + NOTE_LEAD * (len(notes) - 1)
                fig.add_artist(plt.Line2D([LEFT / PAGE_W, (LEFT + 100) / PAGE_W],
                                          [(y + 12) / PAGE_H] * 2, linewidth=0.5, color="black"))
                for note in notes:
                    marker, text = note.split(" ", 1)
                    put(fig, LEFT + 12.0, y + 3.0, marker, MARK)
                    put(fig, LEFT + 18.0, y, text, NOTE)
                    y -= NOTE_LEAD
            out.savefig(fig)
            plt.close(fig)
    return buf.getvalue(), len(pages)


# --------------------------------------------------------------------------- measuring

def load_reader(rev: str | None) -> Any:
    """``pipelines.corpus.pdf`` as in the working tree, or as it was at git revision ``rev``."""
    if rev is None:
        from pipelines.corpus import pdf

        return pdf
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:pipelines/corpus/pdf.py"],
                            check=True, capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory(prefix="unclause-bench-pdf-") as folder:
        path = Path(folder) / f"pdf_{rev}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"pdf_reader_{rev}", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _leaks(doc: Resolution, pages: int, clauses: list[str]) -> list[str]:
    """Furniture found inside clauses: footnote text, job numbers, running headers, page n/N."""
    found = []
    title_clauses = [c for c in clauses if doc.title in c]
    if len(title_clauses) > 1 or any(doc.symbol in c for c in title_clauses):
        found.append("running header")
    joined = "\n".join(clauses)
    found += [f"footnote {f[:30]!r}" for f in doc.footnotes() if f[:40] in joined]
    if doc.job in joined:
        found.append("job number")
    found += [f"page {p}/{pages}" for p in range(2, pages + 1) if f"{p}/{pages}" in clauses
              or any(c.endswith(f" {p}/{pages}") or c.startswith(f"{p}/{pages} ") for c in clauses)]
    return found


def measure(reader: Any, files: list[tuple[str, bytes, int, Resolution]], repeat: int = 1
            ) -> dict[str, Any]:
    """Read every PDF (after one warm-up read); pages/s and clauses against the expected.

    With ``repeat`` > 1 the whole set is read that many times and the fastest pass counts
    (wall and CPU seconds each): on a shared machine the slower passes measure the neighbours.
    """
    from pipelines.corpus.sources import SourceItem

    reader.read(SourceItem(files[0][0], files[0][1]))  # warm-up: lazy imports
    identical = exact_docs = got_total = 0
    leaks: list[str] = []
    examples: list[str] = []
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        results = [reader.read(SourceItem(name, data))[0] for name, data, _p, _d in files]
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    wall, cpu = min(walls), min(cpus)
    for (name, _data, pages, doc), got in zip(files, results, strict=True):
        clauses, expected = [c.text for c in got.clauses], doc.expected()
        match = difflib.SequenceMatcher(a=expected, b=clauses, autojunk=False)
        identical += sum(block.size for block in match.get_matching_blocks())
        got_total += len(clauses)
        exact_docs += clauses == expected
        if len(examples) < 4:
            examples += [f"{name}: {c!r}" for c in clauses if c not in expected][:4 - len(examples)]
        leaks += [f"{name}: {leak}" for leak in _leaks(doc, pages, clauses)]
    n_pages = sum(f[2] for f in files)
    n_expected = sum(len(f[3].expected()) for f in files)
    return {"documents": len(files), "pages": n_pages, "passes": repeat, "wall_s": wall, "cpu_s": cpu,
            "pages_per_s": n_pages / wall, "pages_per_cpu_s": n_pages / cpu,
            "expected_clauses": n_expected, "identical": identical,
            "differing": n_expected - identical, "unexpected": got_total - identical,
            "exact_documents": exact_docs, "leaks": leaks, "examples": examples}


def generate(n_docs: int, seed: int, keep: Path | None) -> list[tuple[str, bytes, int, Resolution]]:
    """``n_docs`` resolutions rendered to PDF: (file name, bytes, pages, composed document)."""
    rng = random.Random(seed)
    files = []
    for i in range(n_docs):
        doc = make_resolution(rng, 100 + i)
        data, pages = render(doc)
        name = doc.symbol.replace("/", "_") + ".pdf"
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / name).write_bytes(data)
        files.append((name, data, pages, doc))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also measure the reader at this git revision")
    parser.add_argument("--keep", type=Path, help="write the generated PDFs to this folder")
    parser.add_argument("--repeat", type=int, default=3,
                        help="passes over the set for the working tree's reader (the fastest counts)")
    args = parser.parse_args()

    banner(f"PDF reading: {args.docs} generated UN-style resolutions")
    t0 = time.perf_counter()
    files = generate(args.docs, args.seed, args.keep)
    print(f"generated {sum(f[2] for f in files)} pages in {time.perf_counter() - t0:.1f} s")
    readers = ([(f"baseline {args.baseline}", args.baseline)] if args.baseline else []) + \
        [("working tree", None)]
    results = {label: measure(load_reader(rev), files, 1 if rev else args.repeat)
               for label, rev in readers}
    print(table(["reader", "passes", "docs", "pages", "wall s", "CPU s", "pages/s", "pages/CPU-s",
                 "expected clauses", "identical", "differing", "unexpected", "exact docs", "leaks"],
                [[label, r["passes"], r["documents"], r["pages"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}",
                  f"{r['pages_per_s']:.1f}", f"{r['pages_per_cpu_s']:.1f}", r["expected_clauses"],
                  r["identical"], r["differing"], r["unexpected"], r["exact_documents"],
                  len(r["leaks"])]
                 for label, r in results.items()]))
    for label, r in results.items():
        for line in r["examples"] + r["leaks"][:5]:
            print(f"  {label}: {line}")
    new = results["working tree"]["pages_per_s"]
    print(f"target ≥ {TARGET_PAGES_PER_S:g} pages/s: {'met' if new >= TARGET_PAGES_PER_S else 'NOT met'}"
          f" ({new:.1f})")
    print(f"figures: {save('pdf', {'seed': args.seed, 'readers': results})}")


if __name__ == "__main__":
    main()
