"""Choice numbers at the extremes: the Accumulator keeps one message per choice seen, whatever
int the stream names (negative, or 10**9), and never merges two choices."""

from __future__ import annotations

import tracemalloc

from sseparse import Accumulator, Finish, StreamParser, TextDelta, ToolCallDelta, ToolCallStart


def test_huge_choice_costs_one_message() -> None:
    # 70 bytes naming choice 10**9: one message, not a billion.
    stream = b'data: {"choices":[{"index":1000000000,"delta":{"content":"hi"}}]}\n\n'
    parser = StreamParser("openai")
    events = parser.feed(stream) + parser.close()
    acc = Accumulator()
    tracemalloc.start()
    try:
        acc.feed(events)
        acc.add(TextDelta(text="!", choice=10**18))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024
    assert [(m.choice, m.text) for m in acc.messages] == [(10**9, "hi"), (10**18, "!")]
    assert acc.message.text == ""  # choice 0 never arrived
    assert [c["index"] for c in acc.to_openai()["choices"]] == [10**9, 10**18]


def test_negative_choices_are_their_own() -> None:
    acc = Accumulator()
    acc.feed(
        [
            TextDelta(text="zero", choice=0),
            TextDelta(text="minus one", choice=-1),
            TextDelta(text="one", choice=1),
            TextDelta(text="minus two", choice=-2),
            ToolCallStart(index=0, id="c", name="f", choice=-1),
            ToolCallDelta(index=0, arguments="{}", choice=-1),
            Finish(reason="stop", raw_reason="stop", choice=-2),
        ]
    )
    assert [(m.choice, m.text) for m in acc.messages] == [
        (-2, "minus two"),
        (-1, "minus one"),
        (0, "zero"),
        (1, "one"),
    ]
    assert acc.message.text == "zero"
    by_choice = {m.choice: m for m in acc.messages}
    assert [c.name for c in by_choice[-1].tool_calls] == ["f"]
    assert by_choice[0].tool_calls == [] and by_choice[1].tool_calls == []
    assert by_choice[-2].finish_reason == "stop" and by_choice[0].finish_reason is None


def test_choices_out_of_order_and_sparse() -> None:
    acc = Accumulator()
    for choice in (5, 2, 9, 2, 5, 0):
        acc.add(TextDelta(text=str(choice), choice=choice))
    assert [(m.choice, m.text) for m in acc.messages] == [(0, "0"), (2, "22"), (5, "55"), (9, "9")]
    # messages is a new list each time: changing it changes nothing.
    acc.messages.clear()
    assert len(acc.messages) == 4


def test_many_choices_in_descending_order_stay_linear() -> None:
    # Inserting choices in reverse order must not shift a list per event.
    acc = Accumulator()
    n = 20_000
    acc.feed(TextDelta(text="x", choice=c) for c in range(n, 0, -1))
    messages = acc.messages
    assert [m.choice for m in messages] == list(range(1, n + 1))
