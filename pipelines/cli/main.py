"""The `unclause` command line: data, run, sweep, compare, evaluate, annotate.

User mistakes (bad paths, configs, inputs, unreachable servers) end in one clear message and
exit status 2, never a traceback; ``--verbose`` shows debug logging.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipelines.cli import annotate, data, evaluate, experiments, labelstudio, report
from pipelines.cli.console import console, hide_flag_types
from pipelines.errors import Interrupted, UnclauseError

hide_flag_types()
app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Learn the grammar of UN documents: clause types and action phrases.")

#: exit status of an interrupted command (128 + SIGINT, as shells report it)
INTERRUPTED = 130


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="debug logging")] = False
         ) -> None:
    from pipelines.logging_setup import configure

    configure(verbose)


# the commands, defined in their own modules
app.add_typer(data.app, name="data")
app.command("run")(experiments.run)
app.command("sweep")(experiments.sweep)
app.command("compare")(experiments.compare)
app.command("evaluate")(evaluate.command)
app.command("annotate")(annotate.command)
app.add_typer(labelstudio.app, name="labelstudio")
app.add_typer(report.app, name="report")


def entrypoint() -> None:
    """Console script: run the app, turning user errors into one clear message."""
    try:
        code = app(standalone_mode=False)
    except Interrupted as exc:
        console.print(f"[bold yellow]interrupted:[/] {exc}")
        sys.exit(INTERRUPTED)
    except UnclauseError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors come here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        if "mlflow" in sys.modules:  # a tracking call that failed mid-run, after its retries
            from pipelines.tracking.store import as_tracking_error

            if (server := as_tracking_error(exc)) is not None:
                console.print(f"[bold red]error:[/] {server}")
                sys.exit(2)
        raise
    # In non-standalone mode typer *returns* exit codes: typer.Exit(n), and 130 for a Ctrl-C
    # that a command did not turn into Interrupted itself.
    if code == INTERRUPTED:
        console.print("[yellow]interrupted[/]")
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    entrypoint()
