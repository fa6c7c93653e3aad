"""The lab's Python side: settings and their URL, the data on the plane, the session, the frames."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from neuronlab.lab.features import feature_matrix
from neuronlab.lab.frames import encode, frame, grid_points
from neuronlab.lab.network import head_for, read_classes
from neuronlab.lab.problem import (
    CSV_NAME,
    DOMAIN,
    MAX_CSV_BYTES,
    make_problem,
    read_csv,
    to_csv,
)
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabInputError, LabSettings

# -- settings ----------------------------------------------------------------------------------


def test_defaults_are_tensorflow_playgrounds():
    s = LabSettings()
    assert (s.dataset, s.noise, s.test_ratio, s.batch_size, s.lr) == ("circles", 0.0, 0.5, 10, 0.03)
    assert (s.features, s.hidden, s.activations) == (("x1", "x2"), (4, 2), ("tanh", "tanh"))
    assert (s.regularization, s.reg_rate, s.task) == ("none", 0.0, "classification")


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"dataset": "mnist"}, "dataset", "expected one of circles, xor"),
        ({"lr": 0}, "lr", "expected a number above 0 and at most 10, got 0"),
        ({"lr": "fast"}, "lr", "expected a number, got str"),
        ({"hidden": [4] * 7}, "hidden", "at most 6 hidden layers, got 7"),
        ({"hidden": [4, 17]}, "hidden[1]", "from 1 to 16, got 17"),
        ({"hidden": "4,2"}, "hidden", "expected a list of layer widths"),
        ({"activations": ["tanh", "gelu"]}, "activations[1]", "expected one of tanh, relu"),
        ({"activations": ["tanh"]}, "activations", r"one activation per hidden layer \(2\), got 1"),
        ({"features": []}, "features", "at least one input feature"),
        ({"features": ["x3"]}, "features", "unknown feature 'x3'"),
        ({"points": 10**9}, "points", "from 10 to 10,000"),
        ({"classes": 7}, "classes", "from 2 to 6, got 7"),
        ({"dataset": "spiral", "classes": 3, "loss": "bce"}, "loss", "yes/no question"),
        ({"dataset": "plane", "loss": "hinge"}, "loss", "fitted with mse"),
        ({"speed": 3}, "speed", "unknown setting"),
    ],
)
def test_a_bad_setting_names_its_field(changes, field, says):
    with pytest.raises(LabInputError, match=says) as info:
        LabSettings().with_changes(changes)
    assert info.value.field == field


def test_a_new_layer_takes_the_last_activation_and_removing_one_drops_it():
    s = LabSettings().with_changes({"activations": ["relu", "sigmoid"]})
    assert s.with_changes({"hidden": [4, 2, 3]}).activations == ("relu", "sigmoid", "sigmoid")
    assert s.with_changes({"hidden": [4]}).activations == ("relu",)
    assert s.with_changes({"hidden": []}).activations == ()


def test_settings_travel_through_the_url():
    s = LabSettings().with_changes(
        {
            "dataset": "spiral",
            "classes": 3,
            "hidden": [8, 8, 3],
            "lr": 0.1,
            "features": ["x1", "sin(x1)", "x2"],
            "regularization": "l2",
            "reg_rate": 0.001,
        }
    )
    query = s.to_query()
    assert query["hidden"] == "8,8,3"
    assert query["features"] == "x1,x2,sin(x1)"
    assert "batch_size" not in query  # defaults stay out of the URL
    assert LabSettings.from_query({**query, "token": "abc"}) == s
    with pytest.raises(LabInputError, match="lr: expected a number in the URL"):
        LabSettings.from_query({"lr": "a lot"})


# -- the data on the plane ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["circles", "xor", "moons", "spiral", "blobs", "plane", "bumps"])
def test_every_set_lies_in_the_plane_and_follows_its_seed(name):
    s = LabSettings(
        dataset=name, points=200, noise=0.2, classes=3 if name in ("spiral", "blobs") else 2
    )
    p = make_problem(s)
    assert p.X.shape == (200, 2)
    assert np.all(np.abs(p.X) <= DOMAIN)
    assert len(p.train) + len(p.test) == 200
    assert not set(p.train) & set(p.test)
    assert len(p.test) == 100
    again = make_problem(s)
    np.testing.assert_array_equal(p.X, again.X)
    np.testing.assert_array_equal(p.train, again.train)
    other = make_problem(LabSettings(**{**s.__dict__, "seed": 1}))
    assert not np.array_equal(p.X, other.X)
    assert p.task == ("regression" if name in ("plane", "bumps") else "classification")
    if p.task == "classification":
        assert p.classes == s.classes
        assert set(np.unique(p.y)) == set(range(s.classes))


def test_csv_reads_points_with_or_without_a_header_and_round_trips():
    X, y = read_csv(b"x1,x2,label\n1.5,-2,0\n0,3.25,1\n\n-6,6,2\n")
    assert X.tolist() == [[1.5, -2.0], [0.0, 3.25], [-6.0, 6.0]]
    assert y.tolist() == [0, 1, 2]
    s = LabSession(LabSettings(points=30))
    again = read_csv(to_csv(s.problem).encode())
    np.testing.assert_array_equal(again[0], s.problem.X)
    np.testing.assert_array_equal(again[1], s.problem.y)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"1,2\n", r"line 1: 2 numbers; expected 3 per row"),
        (b"x1,x2,label\n1,2,0\n1,zwei,0\n", "line 3: 'zwei' is not a number"),
        (b"1,2,0\n7,0,1\n", r"point 2: \(7, 0\) lies outside the plane; x1 and x2 must be"),
        (b"x1,x2,label\n1,2,0\n\n# far\n-6,6.5,1\n", r"point 2: \(-6, 6.5\) lies outside"),
        (b"1,nan,0\n", "line 1: NaN or an infinite number"),
        (b"x1,x2,label\n", "no rows of numbers"),
        (b"1,2,x\n3,4,5\n", "line 1: 'x' is not a number"),  # a header holds no number
        (b"\xff\xfe1,2,0", "line 1: not UTF-8 text"),
        (b"0,0,0\n" * 10_001, "line 10001: more than 10,000 rows"),
        (b"0" * (MAX_CSV_BYTES + 1), "2,097,153 bytes; at most 2,097,152 are read"),
        (b"1,2,0,\n3,4,1\n", "line 2: does not end with a comma, but line 1 does"),
        (b'1,"2,0\n', "line 1: a badly quoted cell"),
    ],
)
def test_a_bad_csv_says_which_row_and_what(content, says):
    with pytest.raises(LabInputError, match=says) as info:
        read_csv(content)
    assert info.value.field == "csv"
    assert str(info.value).startswith(f"csv: {CSV_NAME}")
    assert "\n" not in str(info.value)


def test_csv_reads_what_spreadsheets_write_as_predict_does():
    """Quoted numbers, a comma ending every row, CRLF, a byte-order mark: io.rows' rules."""
    X, y = read_csv(b'\xef\xbb\xbf"x1","x2","label",\r\n"1.5","-2","0",\r\n0,3.25,1,\r\n')
    assert X.tolist() == [[1.5, -2.0], [0.0, 3.25]]
    assert y.tolist() == [0.0, 1.0]
    assert X.flags.c_contiguous
    assert y.flags.c_contiguous


# -- the session -------------------------------------------------------------------------------


def test_steps_are_trainer_steps_and_the_same_settings_give_the_same_numbers():
    settings = LabSettings(
        dataset="spiral", classes=3, hidden=(8,), activations=("tanh",), lr=0.1, points=120
    )
    a, b = LabSession(settings), LabSession(LabSettings.from_query(settings.to_query()))
    losses = [a.step() for _ in range(25)]
    assert a.steps == 25
    assert a.epoch == pytest.approx(25 / 6)
    assert [b.step() for _ in range(25)] == losses
    assert a.figures() == b.figures()


def test_changing_the_lr_keeps_training_and_anything_else_starts_again():
    s = LabSession(LabSettings(points=60))
    s.step(5)
    weights = s.model.state_dict()
    s.change({"lr": 0.3})
    assert s.steps == 5
    assert s.trainer.optimizer.lr == 0.3
    np.testing.assert_array_equal(s.model.state_dict()["0.weight"], weights["0.weight"])
    s.change({"hidden": [3]})
    assert s.steps == 0
    assert s.model[0].weight.shape == (3, 2)


def test_a_change_that_cannot_be_taken_changes_nothing():
    s = LabSession(LabSettings(points=60))
    s.step(3)
    before = (s.settings, s.steps, s.model)
    with pytest.raises(LabInputError):
        s.change({"hidden": [2, 99]})
    with pytest.raises(LabInputError):
        s.upload(b"1,2\n")
    assert (s.settings, s.steps, s.model) == before


def test_points_are_added_and_removed_and_the_data_becomes_custom():
    s = LabSession(LabSettings(points=20))
    s.add_point(1.0, 1.0, 1)
    assert s.settings.dataset == "custom"
    assert s.problem.size == 21
    assert s.remove_point(1.05, 0.95)
    assert s.problem.size == 20
    assert not s.remove_point(5.99, -5.99, radius=1e-6)  # nothing there: nothing removed
    assert s.problem.size == 20
    with pytest.raises(LabInputError, match="class from 0 to 5"):
        s.add_point(0.0, 0.0, 9)
    with pytest.raises(LabInputError, match="from -6 to 6"):
        s.add_point(7.0, 0.0, 0)


def test_three_classes_from_a_csv_train_with_cross_entropy():
    rng = np.random.default_rng(0)
    rows = [
        f"{x1:.3f},{x2:.3f},{k}"
        for k in range(3)
        for x1, x2 in rng.normal(0, 0.5, (30, 2)) + 3 * np.array([[np.cos(2 * k), np.sin(2 * k)]])
    ]
    s = LabSession()
    s.upload("\n".join(rows).encode())
    assert (s.problem.classes, s.head.loss, s.head.outputs) == (3, "cross_entropy", 3)
    first = s.figures()["train"]["loss"]
    s.change({"lr": 0.3})
    s.step(100)
    assert s.figures()["train"]["loss"] < first / 2


def test_a_run_that_diverges_stops_with_the_message():
    s = LabSession(LabSettings(dataset="plane", lr=10.0, points=60))
    s.step(200)
    assert s.diverged is not None
    assert "lower learning rate" in s.diverged
    steps = s.steps
    assert s.step() is None
    assert s.steps == steps
    s.reset()
    assert s.diverged is None
    assert s.steps == 0


# -- frames ------------------------------------------------------------------------------------


def test_the_grid_starts_top_left_and_covers_the_plane():
    g = grid_points(4)
    assert g[0].tolist() == [-4.5, 4.5]
    assert g[3].tolist() == [4.5, 4.5]
    assert g[-1].tolist() == [4.5, -4.5]
    assert base64.b64decode(encode(np.array([-1.0, 0.0, 1.0, 2.0]), -1.0, 1.0)) == bytes(
        [0, 128, 255, 255]
    )


def test_the_output_map_is_the_networks_class_of_every_pixel():
    s = LabSession(LabSettings(points=60))
    s.step(20)
    f = frame(s, output_grid=20, neuron_grid=10)
    out = f["output"]
    classes = np.frombuffer(base64.b64decode(out["classes"]), np.uint8)
    expected, _ = read_classes(s.model(s.inputs(grid_points(20))).data, s.head)
    np.testing.assert_array_equal(classes, expected)
    assert len(f["neurons"]) == 4 + 2
    assert f["neurons"][0]["range"] == [-1.0, 1.0]
    first = np.frombuffer(base64.b64decode(f["neurons"][0]["values"]), np.uint8)
    hidden = s.model.layer_outputs(s.inputs(grid_points(10)))[0].values[:, 0]
    np.testing.assert_array_equal(
        first, np.clip((hidden + 1) / 2 * 255 + 0.5, 0, 255).astype(np.uint8)
    )
    assert f["train"]["accuracy"] is not None
    assert f["step"] == 20


def test_features_are_what_their_names_say():
    X = np.array([[1.0, 2.0]])
    names = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    np.testing.assert_allclose(feature_matrix(X, names), [[1, 2, 1, 4, 2, np.sin(1), np.sin(2)]])


def test_the_head_fits_the_task():
    s = LabSettings()
    assert head_for(s, "classification", 2).loss == "bce"
    assert head_for(s, "classification", 4).outputs == 4
    assert head_for(s.with_changes({"loss": "hinge"}), "classification", 2).activation == "linear"
    assert head_for(s.with_changes({"loss": "mse"}), "classification", 3).activation == "sigmoid"
    assert head_for(s, "regression", 0).loss == "mse"


def test_the_labs_work_runs_with_one_blas_thread_and_gives_the_rest_back() -> None:
    """On busy cores a second BLAS thread makes the lab's small products slower, so the lab's
    work limits BLAS to one thread while it runs, and only then."""
    import asyncio
    import threading

    from threadpoolctl import threadpool_info

    from neuronlab.lab.runner import LabRunner

    def blas_threads(_session: object = None) -> list[int]:
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    before = blas_threads()
    inside: list[list[int]] = []
    runner = LabRunner(LabSession(LabSettings()))
    # a thread of its own: an event loop may already run in this one (Playwright's)
    worker = threading.Thread(target=lambda: inside.append(asyncio.run(runner.call(blas_threads))))
    worker.start()
    worker.join(timeout=30)
    assert inside
    assert inside[0]
    assert all(n == 1 for n in inside[0])
    assert blas_threads() == before
