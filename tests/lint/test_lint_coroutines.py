"""The co_await linter flags what GCC 12 miscompiles and nothing else."""
import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "lint", Path(__file__).resolve().parents[2] / "scripts" / "lint_coroutines.py")
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)


def findings(tmp_path, code):
    f = tmp_path / "x.cc"
    f.write_text(code)
    return lint.check(f)


def test_flags_braced_aggregate_temporaries(tmp_path):
    assert findings(tmp_path, "auto c = co_await connect(exec, {host, port}, options);")
    assert findings(tmp_path, "co_await send(Request{1, 2});")


def test_flags_lambdas_capturing_by_value(tmp_path):
    assert findings(tmp_path, "auto ec = co_await run_blocking(pool, [t] { return t->run(); });")
    assert findings(tmp_path, "co_await run([=]() -> awaitable<void> { co_return; });")
    assert findings(tmp_path, "co_await run([p = std::move(ptr)] { return 1; });")


def test_accepts_safe_forms(tmp_path):
    assert not findings(tmp_path, "co_await f(std::string(\"x{}\"), std::move(v));")
    assert not findings(tmp_path, "auto r = co_await retry([&] { return once(a, b); });")
    assert not findings(tmp_path, "auto r = co_await execute([this, &x](int y) { return y; });")
    assert not findings(tmp_path, "co_await timer.async_wait(use_tuple);  // a {braced} comment")
    assert not findings(tmp_path, "auto task = run_blocking(pool, [t] { return t->run(); });\nco_await std::move(task);")
    assert not findings(tmp_path, "co_await f({a, b});  // coawait-ok: only ints")
