"""ChatSession with documents and knowledge bases: stored with the message, sent as numbered
sources (or a PDF as the file itself), cited by the reply; real PDF and Word files."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

from app.services.context import Services
from app.services.conversation import ChatEvent, ChatSession, Notice
from app.services.documents import extract
from app.services.message_documents import (
    SEND_FILE,
    MessageDocument,
    documents_of,
    sources_of,
)
from tests.documents_factory import write_docx, write_pdf
from tests.fake_api import FakeApi

BUDGET = "The travel budget for 2025 is 40,000 euros, approved in March."
HIRING = "Two engineers join the team in May; the hiring plan was signed off."


def chat_bodies(api: FakeApi) -> list[dict[str, Any]]:
    return [r.json for r in api.requests if r.path.endswith("/chat/completions")]


def document(path: Path) -> MessageDocument:
    return MessageDocument.from_extracted(extract(path))


def session_for(services: Services) -> tuple[ChatSession, list[ChatEvent]]:
    events: list[ChatEvent] = []
    return ChatSession(services, events.append), events


def test_a_pdf_is_stored_with_the_message_and_its_pages_go_as_numbered_sources(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Introduction to the year.", BUDGET])
    fake_api.options.chat_reply = "The budget is 40,000 euros [2]."
    session, _events = session_for(services)
    reply = asyncio.run(
        session.send("What is the travel budget?", documents=[document(pdf)], model="gpt-4o")
    )

    assert reply is not None and reply.status == "complete"
    sent = chat_bodies(fake_api)[-1]["messages"][-1]["content"]
    assert isinstance(sent, str)
    assert "[1] report.pdf, page 1:\nIntroduction to the year." in sent
    assert f"[2] report.pdf, page 2:\n{BUDGET}" in sent
    assert sent.endswith("What is the travel budget?")
    stored = services.chat_history.store.messages(session.conversation_id or 0)
    question = stored[0]
    assert question.attachments[0].data == pdf.read_bytes()
    assert question.attachments[0].mime == "application/pdf"
    [kept] = documents_of(question)
    assert kept.page_count == 2 and kept.pages[1].text == BUDGET
    cited = sources_of(stored[1].meta)
    assert cited[2].label == "report.pdf, page 2" and cited[2].text == BUDGET
    assert session.conversation is not None and session.conversation.title


def test_regenerate_sends_the_stored_document_again(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    word = write_docx(tmp_path / "plan.docx", ["Plan", HIRING])
    session, _events = session_for(services)
    reply = asyncio.run(session.send("When do they join?", documents=[document(word)]))
    word.unlink()  # the original is gone: the stored copy is what is sent
    assert reply is not None
    again = asyncio.run(session.regenerate(reply))

    assert again is not None and again.status == "complete"
    first, second = chat_bodies(fake_api)[-2:]
    assert HIRING in first["messages"][-1]["content"]
    assert first["messages"] == second["messages"]
    assert sources_of(again.meta)[1].label == "plan.docx"


def test_send_file_puts_the_pdf_itself_in_a_file_part(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", [BUDGET])
    attached = document(pdf)
    attached.send = SEND_FILE
    session, _events = session_for(services)
    reply = asyncio.run(session.send("Summarise", documents=[attached]))

    assert reply is not None and reply.status == "complete"
    parts = chat_bodies(fake_api)[-1]["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "Summarise"}
    file = parts[1]["file"]
    assert parts[1]["type"] == "file" and file["filename"] == "report.pdf"
    prefix = "data:application/pdf;base64,"
    assert base64.b64decode(file["file_data"][len(prefix) :]) == pdf.read_bytes()


def test_the_gateway_refuses_a_file_part_that_is_not_a_pdf(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    word = write_docx(tmp_path / "plan.docx", ["Plan", HIRING])
    attached = document(word)
    attached.send = SEND_FILE  # only PDFs can go as files: this one still goes as text
    session, _events = session_for(services)
    reply = asyncio.run(session.send("When?", documents=[attached]))
    assert reply is not None and reply.status == "complete"
    assert isinstance(chat_bodies(fake_api)[-1]["messages"][-1]["content"], str)

    # A hand-made request with a Word file in a file part is refused by the gateway's check.
    body = {
        "model": "gpt-4o",
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "file",
                        "file": {
                            "filename": "plan.docx",
                            "file_data": "data:application/msword;base64,AAAA",
                        },
                    }
                ],
            }
        ],
    }
    import requests

    answer = requests.post(
        f"{fake_api.url}/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {fake_api.options.require_key}"},
        timeout=10,
    )
    assert answer.status_code == 400 and "Only PDF files" in answer.text


def test_a_knowledge_base_turned_on_for_the_conversation_grounds_each_question(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    write_pdf(folder / "budget.pdf", ["Cover page.", BUDGET])
    (folder / "team.md").write_text(HIRING, encoding="utf-8")
    services.knowledge.create("Company")
    services.knowledge.add("Company", [folder])
    session, _events = session_for(services)
    session.use_knowledge_bases(["Company"])
    reply = asyncio.run(session.send("What is the travel budget?"))

    assert reply is not None and reply.status == "complete"
    assert session.conversation is not None
    assert session.conversation.settings["knowledge_bases"] == ["Company"]
    system = chat_bodies(fake_api)[-1]["messages"][0]
    assert system["role"] == "system" and "[1] budget.pdf, page 2:" in system["content"]
    assert sources_of(reply.meta)[1].label == "budget.pdf, page 2"
    reopened = services.chat_history.conversation(session.conversation.id)
    assert reopened.settings["knowledge_bases"] == ["Company"]


def test_a_knowledge_base_that_is_gone_is_a_notice_and_the_reply_still_comes(
    services: Services, fake_api: FakeApi
) -> None:
    session, events = session_for(services)
    session.use_knowledge_bases(["Missing"])
    reply = asyncio.run(session.send("Anything?"))

    assert reply is not None and reply.status == "complete"
    notes = [e.text for e in events if isinstance(e, Notice)]
    assert notes == [
        'The knowledge base "Missing" no longer exists, so this reply comes without it.'
    ]


def test_a_conversation_from_an_assistant_uses_its_knowledge_bases(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    import dataclasses

    (tmp_path / "team.md").write_text(HIRING, encoding="utf-8")
    services.knowledge.create("Team")
    services.knowledge.add("Team", [tmp_path / "team.md"])
    helper = services.assistants.all()[0]
    helper = services.assistants.save(dataclasses.replace(helper, knowledge_bases=("Team",)))
    session, _events = session_for(services)
    session.open(services.assistants.start_conversation(helper, "gpt-4o"))
    reply = asyncio.run(session.send("When do the engineers join?"))

    assert reply is not None
    assert session.knowledge_bases == ("Team",)
    assert sources_of(reply.meta)[1].label == "team.md"


def test_export_import_and_backup_keep_the_documents_and_sources(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    import sqlite3
    import zipfile

    from app.services.backup import DATABASE_MEMBER, create_backup

    pdf = write_pdf(tmp_path / "report.pdf", ["Introduction.", BUDGET])
    fake_api.options.chat_reply = "It is 40,000 euros [2]."
    session, _events = session_for(services)
    asyncio.run(session.send("Budget?", documents=[document(pdf)]))
    history = services.chat_history
    conversation = session.conversation_id or 0

    exported = history.export_to(conversation, tmp_path / "budget", "json")
    copy = history.import_from(exported)
    question, answer = history.store.messages(copy)
    [kept] = documents_of(question)
    assert kept.data == pdf.read_bytes() and kept.pages[1].text == BUDGET
    assert sources_of(answer.meta)[2].label == "report.pdf, page 2"
    markdown = history.export_to(conversation, tmp_path / "budget.md", "markdown").read_text()
    assert "*[attached file: report.pdf]*" in markdown
    assert "Sources:\n\n1. report.pdf, page 1\n2. report.pdf, page 2" in markdown

    archive = tmp_path / "backup.zip"
    create_backup(archive, history=services.history)
    with zipfile.ZipFile(archive) as zipped:
        (tmp_path / "restored.sqlite3").write_bytes(zipped.read(DATABASE_MEMBER))
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    names = restored.execute("SELECT name, mime, length(data) FROM attachments").fetchall()
    assert ("report.pdf", "application/pdf", pdf.stat().st_size) in names
    restored.close()


def test_a_document_over_half_the_models_context_goes_by_retrieval(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    from app.services.grounding import document_budget

    asyncio.run(services.models.refresh())
    notes = tmp_path / "log.md"
    filler = "\n\n".join(
        f"Entry {n}: the orchard was inspected and nothing changed." for n in range(2700)
    )
    notes.write_text(f"{filler}\n\nEntry last: {BUDGET}\n", encoding="utf-8")
    attached = document(notes)
    assert 32_000 < attached.token_estimate < 64_000
    assert document_budget(services, "deepseek/deepseek-r1") == 32_000

    whole, _ = session_for(services)
    asyncio.run(whole.send("What is the travel budget?", documents=[attached], model="gpt-4o"))
    small, events = session_for(services)
    reply = asyncio.run(
        small.send("What is the travel budget?", documents=[attached], model="deepseek/deepseek-r1")
    )

    sent_whole, sent_small = (b["messages"][-1]["content"] for b in chat_bodies(fake_api)[-2:])
    assert "Entry 1500:" in sent_whole
    assert "Entry 1500:" not in sent_small and BUDGET in sent_small
    assert len(sent_small) < len(sent_whole) // 10
    notes_seen = [e.text for e in events if isinstance(e, Notice)]
    assert notes_seen == [
        "log.md is too big for the model's context, so only its passages that best match the "
        "question were sent."
    ]
    assert reply is not None and any(s.label == "log.md" for s in sources_of(reply.meta).values())
