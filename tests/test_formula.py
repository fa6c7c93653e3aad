"""The formula parser of `neuronlab graph`: what it builds, what it refuses, and where."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronlab import Value
from neuronlab.viz.formula import (
    FUNCTIONS,
    Formula,
    FormulaError,
    caret,
    evaluate,
    graph_command,
    parse,
    parse_assignments,
)
from neuronlab.worked import TANH_NEURON_BIAS_TEXT

L_VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
L_SET = ["a=2", "b=-3", "c=10", "f=-2"]


# -- what a formula builds ------------------------------------------------------------


def test_evaluate_the_l_graph():
    out, inputs = evaluate("(a*b + c) * f", L_VALUES)
    assert out.data == -8.0
    assert out.label == "out"
    assert set(inputs) == {"a", "b", "c", "f"}
    assert all(inputs[n].label == n and inputs[n].data == L_VALUES[n] for n in inputs)
    out.backward()
    assert {n: v.grad for n, v in inputs.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    # intermediate values stay unlabelled; the graph is the one Python builds
    assert out.op == "*"
    assert out.inputs[0].label == ""
    assert out.inputs[0].op == "+"


def test_output_name_and_reuse():
    f = parse("L = (a*b + c) * f")
    assert isinstance(f, Formula)
    assert (f.output_name, f.inputs, f.body) == ("L", ("a", "b", "c", "f"), "(a*b + c) * f")
    out1, _ = f.evaluate(L_VALUES)
    out2, _ = f.evaluate({**L_VALUES, "f": 1.0})
    assert (out1.label, out1.data, out2.data) == ("L", -8.0, 4.0)


def test_values_may_be_existing_values():
    a = Value(2.0, label="alpha")
    out, inputs = evaluate("a*a", {"a": a})
    assert inputs["a"] is a
    assert out.inputs == (a, a)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("-a**2", -4.0),  # ** binds tighter than unary minus, as in Python
        ("2*-a", -4.0),
        ("a - b - c", 2.0 + 3.0 - 10.0),  # left to right
        ("a / b / f", 2.0 / -3.0 / -2.0),
        ("a ** -1", 0.5),
        ("a**(0.5)", math.sqrt(2.0)),
        ("a**(-1)", 0.5),
        ("+a", 2.0),
        ("--a", 2.0),
        ("exp(log(c))", 10.0),
        ("tanh(0)", 0.0),
        ("sigmoid(0)", 0.5),
        ("relu(b) + relu(a)", 2.0),
        ("1.5e1 + .5 + 2.", 17.5),
        ("  a  *  b  ", -6.0),
        ("1 / 0", math.inf),  # the engine's IEEE result, not a ZeroDivisionError
        ("log(b)", math.nan),
    ],
)
def test_evaluate_values(expr, expected):
    out, _ = evaluate(expr, L_VALUES)
    if math.isnan(expected):
        assert math.isnan(out.data)
    else:
        assert out.data == pytest.approx(expected)


def test_only_used_inputs_are_made():
    out, inputs = evaluate("a + 1", L_VALUES)
    assert list(inputs) == ["a"]
    out, inputs = evaluate("2 + 3", {})
    assert out.data == 5.0
    assert inputs == {}


# Random formulas give the same number as the same text evaluated by Python on Values.
NAMES = ["a", "b", "c"]


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner)
    call = st.tuples(st.sampled_from(FUNCTIONS), inner)
    power = st.tuples(inner, st.sampled_from(["2", "3", "-1"]))
    return (
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        | call.map(lambda t: f"{t[0]}({t[1]})")
        | inner.map(lambda s: f"-{s}")
        | power.map(lambda t: f"({t[0]})**{t[1]}")
    )


FORMULAS = st.recursive(
    st.sampled_from(NAMES) | st.sampled_from(["2", "0.5", "3"]), _extend, max_leaves=8
)


def _function(name: str):
    return lambda v: getattr(v if isinstance(v, Value) else Value(v), name)()


@settings(max_examples=150)
@given(expr=FORMULAS, xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_formulas_match_python(expr, xs):
    values = dict(zip(NAMES, xs))
    out, _inputs = evaluate(expr, values)
    scope = {n: Value(x) for n, x in values.items()}
    scope.update({fn: _function(fn) for fn in FUNCTIONS})
    try:
        expected = eval(expr, {"__builtins__": {}}, scope)  # the reference, in the test only
    except (ZeroDivisionError, OverflowError):
        return
    expected = float(expected.data if isinstance(expected, Value) else expected)
    if math.isnan(expected):
        assert math.isnan(out.data)
    else:
        assert out.data == pytest.approx(expected, rel=1e-9, abs=1e-12, nan_ok=True)


@settings(max_examples=300)
@given(st.text(alphabet="ab()+-*/.,[]'_=^% 0123456789eqxlpt\";", max_size=30))
def test_any_text_is_a_formula_or_a_formula_error(text):
    error = None
    try:
        parse(text, ["a", "b"]).evaluate({"a": 0.5, "b": 2.0})
    except FormulaError as e:
        error = e
    if error is not None:
        assert 0 <= error.position <= len(text)
        assert str(error).startswith(f"formula error at column {error.position + 1}: ")


# -- what a formula refuses, and where ---------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "column", "message"),
    [
        ("a.__class__", 2, "attribute access ('.') is not allowed"),
        ("a + x", 5, "unknown name 'x' (inputs: a, b, c, f)"),
        ("__import__('os')", 1, "calling '__import__' is not allowed"),
        ("eval('1+1')", 1, "calling 'eval' is not allowed"),
        ("exp(a).real", 7, "attribute access"),
        ("a[0]", 2, "subscripts ('[') are not allowed"),
        ("lambda: 0", 1, "'lambda' is not allowed"),
        ("a +", 4, "unexpected end of formula: expected a number, a name or '('"),
        ("2 ** a", 6, "the exponent of ** must be a number"),
        ("a ** (b)", 7, "the exponent of ** must be a number"),
        ("a**2**3", 5, "chained ** is ambiguous"),
        ("(a + b", 7, "missing ')' to close the '(' at column 1"),
        ("a + b)", 6, "unmatched ')'"),
        ("2a", 2, "missing operator between '2' and 'a' (write 2*a)"),
        ("a b", 3, "missing operator before 'b'"),
        ("exp", 1, "'exp' is a function: write exp(...)"),
        ("exp(a, b)", 6, "each function takes one argument"),
        ("relu()", 6, "relu() needs one argument"),
        ("a % b", 3, "'%' is not allowed"),
        ("a // b", 3, "integer division"),
        ("a ^ 2", 3, "for powers write **"),
        ("a == b", 3, "comparisons are not allowed"),
        ("a < b", 3, "comparisons are not allowed"),
        ("'os'", 1, "strings are not allowed"),
        ("a if b else c", 3, "missing operator before 'if'"),
        ("", 1, "the formula is empty"),
        ("   ", 4, "the formula is empty"),
        ("L = a = b", 7, "'=' is only allowed once per statement"),
        ("a = b*c", 1, "'a' is an input (it has a value), so it cannot be defined"),
        ("exp = a", 1, "'exp' cannot name a value (it is a function or a keyword)"),
        ("a; b", 1, "only the last statement (the output) may go without a name"),
        ("e = a*b; e = c*f; L = e", 10, "'e' is defined twice (first at column 1)"),
        ("L = d*f; d = a*b", 5, "'d' is used before it is defined (at column 10)"),
        ("e = e*a; L = e*b", 5, "'e' is used in its own definition"),
        ("e = a*b; L = c*f", 1, "'e' is defined but never used: the last statement is the output"),
        ("e = a; L = e*b", 1, "e = a only gives 'a' a second name: use a itself"),
        ("e = a*b; L = (e)", 10, "L = e only gives 'e' a second name"),
        ("e = a*b;; L = e*c", 9, "empty statement"),
        ("L =", 4, "nothing after 'L ='"),
        ("e = a*b; L = x", 14, "unknown name 'x' (inputs: a, b, c, f; defined so far: e)"),
        ("e = a*b; L = e f", 16, "(use + - * / ** between terms, ; between statements)"),
        ("sin(a)", 1, "calling 'sin' is not allowed (functions: exp, log, tanh, sigmoid, relu)"),
        ("a\nb", 3, "missing operator before 'b'"),
    ],
)
def test_rejections_point_at_the_problem(expr, column, message):
    with pytest.raises(FormulaError) as err:
        evaluate(expr, L_VALUES)
    e = err.value
    assert isinstance(e, ValueError)
    assert message in e.message
    assert (e.column, e.position, e.expr) == (column, column - 1, expr)
    assert str(e) == f"formula error at column {column}: {e.message}"
    assert "\n" not in str(e)  # one line for the command line


def test_caret_lines():
    with pytest.raises(FormulaError) as err:
        evaluate("a + x", L_VALUES)
    assert err.value.caret() == "  a + x\n      ^"
    assert caret("a\tb", 2, indent="") == "a b\n  ^"
    assert caret("ab", 99) == "  ab\n    ^"  # past the end: just after it


def test_deep_nesting_and_long_formulas_are_refused():
    with pytest.raises(FormulaError, match="nested too deeply"):
        evaluate("(" * 150 + "a" + ")" * 150, L_VALUES)
    with pytest.raises(FormulaError, match="nested too deeply"):
        evaluate("-" * 150 + "a", L_VALUES)
    with pytest.raises(FormulaError, match="too long"):
        evaluate("a+" * 1500 + "a", L_VALUES)
    long_sum = "+".join(["a"] * 900)  # long but flat is fine: no recursion per term
    out, _ = evaluate(long_sum, L_VALUES)
    assert out.data == 1800.0


def test_names_given_to_parse_are_checked():
    with pytest.raises(ValueError, match="not a valid name"):
        parse("a", ["a", "1x"])
    with pytest.raises(ValueError, match="taken by the function"):
        parse("a", ["exp"])
    with pytest.raises(TypeError, match="not one string"):
        parse("a", "a")
    with pytest.raises(TypeError, match="str"):
        parse(3, ["a"])
    assert parse("x + y").inputs == ("x", "y")  # no names given: any name is an input


def test_statements_name_intermediate_values():
    f = parse("e = a*b; d = e + c; L = d*f")
    assert (f.inputs, f.intermediates, f.output_name, f.body) == (
        ("a", "b", "c", "f"),
        ("e", "d"),
        "L",
        "d*f",
    )
    assert [(s.name, s.body, s.position) for s in f.statements] == [
        ("e", "a*b", 0),
        ("d", "e + c", 9),
        ("L", "d*f", 20),
    ]
    L, inputs = f.evaluate(L_VALUES)
    d, fv = L.inputs
    e, c = d.inputs
    assert (L.label, d.label, e.label, fv is inputs["f"], c is inputs["c"]) == (
        "L",
        "d",
        "e",
        True,
        True,
    )
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    assert e.inputs == (inputs["a"], inputs["b"])
    L.backward()
    assert (e.grad, d.grad, inputs["a"].grad, inputs["b"].grad) == (-2.0, -2.0, 6.0, -4.0)


def test_statements_may_reuse_a_value_and_end_with_a_semicolon():
    out, _inputs = evaluate("s = a + b; L = s*s + exp(s);", L_VALUES)
    assert out.label == "L"
    assert out.data == pytest.approx(1.0 + math.exp(-1.0))
    out, _ = evaluate("k = 2; L = k*a", L_VALUES)  # a named constant is a leaf of its own
    assert out.inputs[0].label == "k"
    assert out.inputs[0].inputs == ()
    out, _ = evaluate("e = a*b; e + c", L_VALUES)  # an unnamed output is called out
    assert (out.label, out.inputs[0].label, out.data) == ("out", "e", 4.0)


def test_evaluate_value_errors():
    f = parse("a + b")
    with pytest.raises(FormulaError, match=r"no value for 'b'") as err:
        f.evaluate({"a": 1.0})
    assert err.value.column == 5
    with pytest.raises(TypeError, match=r"^evaluate\(b\): expected a number, got str '2'$"):
        f.evaluate({"a": 1.0, "b": "2"})
    with pytest.raises(TypeError, match=r"^evaluate\(b\): expected a number, got bool True$"):
        f.evaluate({"a": 1.0, "b": True})
    assert math.isnan(f.evaluate({"a": 1.0, "b": math.nan})[0].data)  # NaN is a number: it flows
    with pytest.raises(TypeError, match="dict"):
        evaluate("a", [("a", 1.0)])


# -- the `neuronlab graph` command ----------------------------------------------------------


def test_parse_assignments():
    assert parse_assignments(L_SET) == L_VALUES
    assert parse_assignments([" x = 1e-3 "]) == {"x": 0.001}
    for items, message in [
        (["a"], "expected NAME=NUMBER"),
        (["a=x"], "'x' is not a number"),
        (["a="], "'' is not a number"),
        (["a=1", "a=2"], "'a' is given twice"),
        (["1a=2"], "not a valid name"),
        (["exp=2"], "is a function name"),
        (["for=2"], "not a valid name"),
    ]:
        with pytest.raises(ValueError, match=message) as err:
            parse_assignments(items)
        assert "\n" not in str(err.value)


def test_graph_command_text():
    text = graph_command("L = (a*b + c) * f", L_SET)
    assert text.splitlines() == [
        "L = (a*b + c) * f = -8",
        "gradients:",
        "  dL/da = 6",
        "  dL/db = -4",
        "  dL/dc = -2",
        "  dL/df = 4",
    ]
    text = graph_command(
        "tanh(x1*w1 + x2*w2 + b)",
        ["x1=2", "x2=0", "w1=-3", "w2=1", f"b={TANH_NEURON_BIAS_TEXT}", "z=1"],
    )
    lines = text.splitlines()
    assert lines[0] == "out = tanh(x1*w1 + x2*w2 + b) = 0.7071"
    assert "  dout/dx1 = -1.5" in lines
    assert "  dout/dw2 = 0" in lines
    assert lines[-1] == "note: not used in the formula: z"


def test_graph_command_with_named_intermediates_is_the_design_example(tmp_path):
    path = tmp_path / "L.svg"
    text = graph_command("e = a*b; d = e + c; L = d*f", L_SET, out=str(path), explain=True)
    lines = text.splitlines()
    assert lines[:11] == [
        "e = a*b = -6",
        "d = e + c = 4",
        "L = d*f = -8",
        "gradients:",
        "  dL/da = 6",
        "  dL/db = -4",
        "  dL/dc = -2",
        "  dL/df = 4",
        "  dL/de = -2",
        "  dL/dd = -2",
        f"graph written to {path}",
    ]
    for line in [  # the design's chain rule, in its own names
        "dL/dd = f = -2",
        "dL/df = d = 4",
        "dL/de = dL/dd * dd/de = -2 * 1 = -2",
        "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
        "dL/da = dL/de * de/da = -2 * -3 = 6",
        "dL/db = dL/de * de/db = -2 * 2 = -4",
    ]:
        assert line in lines, line
    texts = [
        "".join(t.itertext()) for t in ET.parse(path).getroot().iter() if t.tag.endswith("text")
    ]
    assert {"a", "b", "c", "f", "e", "d", "L"} <= set(texts)
    assert "data -6.0000" in texts
    assert "grad -2.0000" in texts


def test_graph_command_refuses_a_set_name_the_formula_defines():
    with pytest.raises(FormulaError, match="column 10: 'd' is an input") as err:
        graph_command("e = a*b; d = e + c; L = d*f", [*L_SET, "d=1"])
    assert "\n" not in str(err.value)


def test_graph_command_explain_and_picture(tmp_path, monkeypatch):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no dot: the pure-Python picture
    path = tmp_path / "graph.svg"
    text = graph_command("L = (a*b + c) * f", L_SET, out=str(path), explain=True)
    lines = text.splitlines()
    assert f"graph written to {path}" in lines
    assert "dL/dc = dL/d(a*b + c) * d(a*b + c)/dc = -2 * 1 = -2" in lines
    assert "dL/da = dL/d(a*b) * d(a*b)/da = -2 * -3 = 6" in lines
    assert "  d(a*b)/da = b = -3" in lines
    texts = [
        "".join(t.itertext()) for t in ET.parse(path).getroot().iter() if t.tag.endswith("text")
    ]
    assert "data -8.0000" in texts
    assert "L" in texts
    assert "a*b" in texts
    assert "a*b + c" in texts
    with pytest.raises(ValueError, match="unknown extension"):
        graph_command("a*b", ["a=1", "b=2"], out=str(tmp_path / "g.bmp"))


def test_graph_command_errors_are_one_line():
    for expr, items, message in [
        ("a + x", L_SET, "formula error at column 5: unknown name 'x' (inputs: a, b, c, f)"),
        ("a.b", L_SET, "formula error at column 2: attribute access"),
        ("a*b", ["a=2", "b"], "--set 'b': expected NAME=NUMBER"),
        ("a*b", ["a=2", "b=two"], "'two' is not a number"),
        ("a*b", ["a=2", "a=3"], "'a' is given twice"),
        ("a*b", ["a=2"], "unknown name 'b' (inputs: a)"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)) as err:
            graph_command(expr, items)
        assert "\n" not in str(err.value)
