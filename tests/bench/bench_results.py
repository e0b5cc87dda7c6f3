"""What the result summarisers of the SIPp benchmarks (analyze.py, calls_analyze.py) share: reading the CSV tables
the scripts write, their numbers, and drawing a gnuplot script to PNG."""
import csv
import shutil
import subprocess
import sys


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def as_int(value):
    """A CSV cell as a whole number, None when it is empty or not a number (a step that produced no figure)."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def gnuplot_available():
    if shutil.which("gnuplot"):
        return True
    print("gnuplot not installed: no plots", file=sys.stderr)
    return False


def draw(script, png):
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    print("plot: %s" % png)


def png_terminal(size):
    """pngcairo where this gnuplot has it (smoother), the plain png terminal otherwise."""
    result = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    cairo = "cairo" in result.stdout + result.stderr
    return ("set terminal pngcairo size %s font ',10'" if cairo else "set terminal png size %s") % size
