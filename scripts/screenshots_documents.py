"""Screenshots of documents and math, light and dark: a reply with rendered formulas in the
Chat tab, the Knowledge window over a folder of real PDF and Word files with a search, and a
chat grounded in that knowledge base and an attached PDF: a reply with numbered citations, the
passage of one in its popup, and the composer with document chips waiting to be sent."""

from __future__ import annotations

from pathlib import Path

from screenshots_common import SCHEMES, SCRATCH, Session, save, settle, until

from app.ui.chat.tab import ChatTab
from tests.documents_factory import write_docx, write_pdf

MATH_REPLY = r"""The yield per tree is the harvest over the trees that bore fruit, $y = H / n$.
With $H = 40\,000$ kg and $n = 1\,250$ trees that is $y = 32$ kg, up from $28$ kg last year
(a rise of about $14\%$; the $5 and $10 crates are priced separately).

The spread across the rows follows the usual estimate

$$
s = \sqrt{\frac{1}{n-1}\sum_{i=1}^{n} \left(y_i - \bar{y}\right)^2}
$$

and a row counts as strong when \(y_i > \bar{y} + s\), and weak when \[ y_i < \bar{y} - s. \]
"""

REPORT_PAGES = [
    "Orchard report 2025\nPrepared for the growers' cooperative.",
    "Harvest\nThe apple harvest came to 40 tonnes from 1,250 bearing trees.\n"
    "Early frost cut the pear crop by a third.",
    "Costs\nPicking labour rose 8 percent; storage costs were flat.",
]


def _documents() -> Path:
    folder = SCRATCH / "orchard-documents"
    folder.mkdir(parents=True, exist_ok=True)
    write_pdf(folder / "orchard-report-2025.pdf", REPORT_PAGES)
    write_docx(
        folder / "planting-plan.docx",
        ["Planting plan", "Plant 200 cherry trees on the south slope next spring."],
        table=[["Row", "Trees"], ["South 1", "100"], ["South 2", "100"]],
    )
    (folder / "notes.md").write_text(
        "# Notes\n\nBees from two hives pollinate the apple blossom in April.", encoding="utf-8"
    )
    return folder


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    session.api.options.chat_reply = MATH_REPLY
    tab.input.setPlainText("How is the yield per tree worked out?")
    await tab.send()
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.3)
        await until(lambda: not tab.renderer.math.busy, timeout=60)  # drawn in a helper process
        await settle(0.6)
        save(window, out / f"chat-math-{scheme}.png")

    knowledge = session.services.knowledge
    knowledge.create("Orchard")
    panel = window.open_knowledge()
    panel.resize(980, 600)
    panel.refresh(select="Orchard")
    await panel.add_paths([str(_documents())])
    panel.query.setText("apple harvest tonnes")
    panel.query.returnPressed.emit()
    await until(lambda: panel.results.count() > 0)
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.4)
        save(panel, out / f"knowledge-{scheme}.png")
    panel.close()
    await _cited_chat(session, tab, window, out)


CITED_REPLY = (
    "The apple harvest came to **40 tonnes** from 1,250 bearing trees [{harvest}], so about "
    "32 kg a tree. Early frost cut the pear crop by a third [{harvest}], and picking labour "
    "rose 8 percent [{costs}]."
)


async def _cited_chat(session: Session, tab: ChatTab, window: object, out: Path) -> None:
    from PySide6.QtGui import QCursor

    from app.services.message_documents import sources_of

    folder = SCRATCH / "orchard-documents"
    tab.new_conversation()
    tab.knowledge_picker.choose("Orchard", True)
    await tab.documents.read([str(folder / "orchard-report-2025.pdf")])
    session.api.options.chat_reply = "…"
    tab.input.setPlainText("How did the harvest go, and what went wrong?")
    await tab.send()
    # the reply cites the sources that hold what it says: the same numbers come again
    first = tab.transcript_model.messages()[-1]
    sources = sources_of(first.meta)
    harvest = next(n for n, s in sources.items() if "apple harvest" in s.text)
    costs = next(n for n, s in sources.items() if "Picking labour" in s.text)
    session.api.options.chat_reply = CITED_REPLY.format(harvest=harvest, costs=costs)
    await tab._run_reply(tab.session.regenerate(first, tab.current_model()))
    await tab.documents.read(
        [
            str(folder / "planting-plan.docx"),
            str(folder / "orchard-report-2025.pdf"),
            str(folder / "notes.md"),
        ]
    )
    tab.input.setPlainText("What will the cherry trees on the south slope need?")
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.5)
        save(window, out / f"chat-documents-{scheme}.png")  # type: ignore[arg-type]
    reply = tab.transcript_model.messages()[-1]
    source = sources_of(reply.meta)[harvest]
    from app.ui.chat.citation_popup import CitationPopup

    for scheme in SCHEMES:
        session.theme.apply(scheme)
        popup = CitationPopup(source, tab)
        popup.show_at(QCursor.pos())
        await settle(0.3)
        save(popup, out / f"chat-citation-{scheme}.png")
        popup.close()
