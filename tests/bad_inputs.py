"""The bad-input cases, defined once: `tests/test_bad_inputs.py` asserts them, notebook `16_cli` prints their table.

Each case is (name, runner, args, expected fragment of the message). `runner` is a CLI command (run in-process through
`crystal_design.cli.main` in a fresh working folder: exit code 2, one line on stderr) or "env" (a documented exception
of `CrystalDesign-v0`). Inputs are real files written by `make_inputs` into the working folder.
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

CELL = """data_x
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
"""
POSCAR_COLLINEAR = """collinear
1.0
1.0 0.0 0.0
2.0 0.0 0.0
0.0 0.0 3.0
Na Cl
1 1
Direct
0.0 0.0 0.0
0.5 0.5 0.5
"""


def make_inputs(d: Path, checkpoint: Path | None = None):
    "Write the input files of the cases into folder `d`."
    (d / "nacl.cif").write_text(CELL + "Na1 Na 0 0 0 1\nCl1 Cl 0.5 0.5 0.5 1\n")
    (d / "partial.cif").write_text(CELL + "Na1 Na 0 0 0 0.5\nK1 K 0 0 0 0.5\nCl1 Cl 0.5 0.5 0.5 1\n")
    (d / "dummy.cif").write_text(CELL + "Na1 Na 0 0 0 1\nXx1 Xx 0.5 0.5 0.5 1\n")
    (d / "same_position.cif").write_text(CELL + "Na1 Na 0 0 0 1\nCl1 Cl 0 0 0 1\nCl2 Cl 0.5 0.5 0.5 1\n")
    (d / "close.cif").write_text(CELL + "Na1 Na 0 0 0 1\nCl1 Cl 0.02 0 0 1\n")
    (d / "empty.cif").write_text("")
    (d / "POSCAR").write_text(POSCAR_COLLINEAR)
    (d / "pseudos_na").mkdir(exist_ok=True)
    (d / "pseudos_na" / "na_pbe_v1.5.uspp.F.UPF").write_text("<UPF version=\"2.0.1\">\n</UPF>\n")
    (d / "bad_key.yaml").write_text("episodes: 64\nepisods: 128\n")
    (d / "list.yaml").write_text("- episodes\n- 64\n")
    (d / "not_a_store.sqlite").write_text("this is a text file, not SQLite\n" * 20)
    (d / "a_folder").mkdir(exist_ok=True)
    (d / "a_folder_with_data").mkdir(exist_ok=True); (d / "a_folder_with_data" / "results.csv").write_text("x\n")


# (name, runner, args, expected message fragment); {ck} is a DQN checkpoint of a 16-episode Rb3ScF6 density run
EV = ["--store", "ev.sqlite", "--no-progress"]
CASES = [
    ("partial occupancies", "evaluate", ["partial.cif", *EV], "partial occupancy at site 0"),
    ("dummy element Xx", "evaluate", ["dummy.cif", *EV], "unknown element 'Xx'"),
    ("two atoms on one position", "evaluate", ["same_position.cif", *EV], "overlapping atoms"),
    ("atoms 0.11 A apart", "evaluate", ["close.cif", *EV], "overlapping atoms"),
    ("collinear lattice vectors (POSCAR)", "evaluate", ["POSCAR", *EV], "degenerate lattice"),
    ("empty CIF", "evaluate", ["empty.cif", *EV], "not a CIF"),
    ("a folder as structure file", "evaluate", ["a_folder", *EV], "is a folder"),
    ("missing file", "evaluate", ["missing.cif", *EV], "does not exist"),
    ("no files", "evaluate", [*EV], "no structure files"),
    ("--store is not SQLite", "evaluate", ["nacl.cif", "--store", "not_a_store.sqlite"], "is it an SQLite file"),
    ("--store is a folder", "evaluate", ["nacl.cif", "--store", "a_folder"], "is a folder"),
    ("--timeout 0", "evaluate", ["nacl.cif", "--oracle", "gpaw", "--timeout", "0", *EV], "--timeout must be a positive"),
    ("--timeout -1", "evaluate", ["nacl.cif", "--oracle", "gpaw", "--timeout", "-1", *EV], "--timeout must be a positive"),
    ("--mpi 0", "evaluate", ["nacl.cif", "--oracle", "gpaw", "--mpi", "0", *EV], "--mpi must be an integer >= 1"),
    ("--workers 0", "evaluate", ["nacl.cif", "--workers", "0", *EV], "--workers must be >= 1"),
    ("unknown oracle", "evaluate", ["nacl.cif", "--oracle", "vasp", *EV], "unknown oracle 'vasp'"),
    ("ase: module missing", "evaluate", ["nacl.cif", "--oracle", "ase:nonexistent.mod:X", *EV], "cannot import"),
    ("ase: factory missing", "evaluate", ["nacl.cif", "--oracle", "ase:ase.calculators.emt:Nope", *EV], "no 'Nope'"),
    ("ase: no MODULE:FACTORY", "evaluate", ["nacl.cif", "--oracle", "ase:badformat", *EV], "MODULE:ATTRIBUTE"),
    ("--formation-energy with density", "evaluate", ["nacl.cif", "--formation-energy", *EV], "--formation-energy needs"),
    ("--out . --overwrite", "design", ["--out", ".", "--overwrite", "--no-progress"], "is the current directory"),
    ("--out .. --overwrite", "rollout", ["--out", "..", "--overwrite", "--no-progress"], "contains the current directory"),
    ("--overwrite on a folder no run wrote", "rollout", ["--out", "a_folder_with_data", "--overwrite", "--no-progress"],
     "not written by crystal-design"),
    ("negative band-gap target", "design", ["--target", "band_gap=-1", "--no-progress"], "band_gap target"),
    ("unknown property", "design", ["--target", "hardness=3", "--no-progress"], "hardness"),
    ("--episodes 0", "design", ["--episodes", "0", "--no-progress"], "--episodes must be a positive integer"),
    ("unknown algorithm", "design", ["--algo", "a3c", "--no-progress"], "unknown algorithm 'a3c'"),
    ("ase: band gap from a calculator", "design", ["--oracle", "ase:ase.calculators.emt:EMT", "--no-progress"],
     "does not offer band_gap"),
    ("element outside the vocabulary", "design", ["--allowed", "Na Xx", "--no-progress"], "Xx"),
    ("skeleton file missing", "design", ["--skeleton", "nope.cif", "--no-progress"], "does not exist"),
    ("MP-20 row not a number", "design", ["--skeleton", "mp20:abc", "--no-progress"], "MP-20 row must be an integer"),
    ("--resume a missing checkpoint", "design", ["--resume", "missing.pt", "--target", "density=3", "--no-progress",
                                                 "--out", "r1"], "no agent checkpoint"),
    ("--resume with another --n-envs", "design", ["--resume", "{ck}", "--target", "density=3", "--oracle", "density", "--arch", "gcn",
                                                  "--n-envs", "16", "--no-progress", "--out", "r2"], "n_envs 8 (this run: 16)"),
    ("--resume with another --target", "design", ["--resume", "{ck}", "--target", "density=2.5", "--oracle", "density", "--arch", "gcn",
                                                  "--n-envs", "8", "--no-progress", "--out", "r3"], "target 'density=3'"),
    ("--resume with another --skeleton", "design", ["--resume", "{ck}", "--target", "density=3", "--oracle", "density", "--arch", "gcn",
                                                    "--n-envs", "8", "--skeleton", "rocksalt", "--no-progress", "--out", "r4"],
     "skeletons"),
    ("--resume with another --arch", "design", ["--resume", "{ck}", "--target", "density=3", "--oracle", "density", "--arch",
                                                "megnet", "--n-envs", "8", "--no-progress", "--out", "r5"], "network"),
    ("csp --population 0", "csp", ["--population", "0", "--out", "c1", "--no-progress"], "--population must be >= 1"),
    ("csp --budget 0", "csp", ["--budget", "0", "--out", "c2", "--no-progress"], "--budget must be >= 1"),
    ("csp unknown element", "csp", ["--composition", "Xx2O3", "--out", "c3", "--no-progress"], "Xx2O3"),
    ("csp --out ~ --overwrite", "csp", ["--out", "~", "--overwrite", "--no-progress"], "home directory"),
    ("qe --pseudo-dir without Cl", "evaluate", ["nacl.cif", "--oracle", "qe", "--pseudo-dir", "pseudos_na", *EV],
     "has no file for Cl"),
    ("evaluate --device tpu", "evaluate", ["nacl.cif", "--device", "tpu", *EV], "unknown device 'tpu'"),
    ("--launcher with gpaw", "evaluate", ["nacl.cif", "--oracle", "gpaw", "--launcher", "srun -n {n}", *EV],
     "--launcher is a Quantum Espresso option"),
    ("--device tpu", "design", ["--device", "tpu", "--no-progress"], "unknown device 'tpu'"),
    ("--config key that is no option", "design", ["--config", "bad_key.yaml", "--no-progress"], "config key 'episods'"),
    ("--config file missing", "rollout", ["--config", "nope.yaml", "--no-progress"], "does not exist"),
    ("--config not a mapping", "csp", ["--config", "list.yaml", "--no-progress"], "must map option names to values"),
    ("rollout --episodes 0", "rollout", ["--episodes", "0", "--no-progress"], "--episodes must be a positive integer"),
    ("rollout unknown vocabulary", "rollout", ["--vocab", "mp21", "--no-progress"], "mp21"),
    ("env: action 2.7", "env", 2.7, "must be an integer"),
    ("env: action -1", "env", -1, "out of range"),
    ("env: action 999", "env", 999, "out of range"),
    ("env: action 'Na'", "env", "Na", "must be an integer"),
    ("env: oracle=42", "env_oracle", 42, "must be an Oracle or a callable"),
    ("env: band-gap oracle for bulk modulus", "env_oracle", "bandgap", "not 'bulk_modulus'"),
]


def files_in(d: Path) -> set[str]:
    return {p.relative_to(d).as_posix() for p in d.rglob("*")}


def run_case(case, workdir: Path, checkpoint: Path | None = None) -> dict:
    "Run one case in `workdir` (inputs already made); returns exit code / exception, message, new files."
    name, runner, args, _ = case
    before = files_in(workdir)
    if runner.startswith("env"):
        import crystal_design  # noqa: F401  (registers CrystalDesign-v0)
        import gymnasium as gym
        from crystal_design.core import CrystalDesignError
        try:
            if runner == "env":
                env = gym.make("CrystalDesign-v0").unwrapped; env.reset(seed=0); env.step(args)
            else:
                orc = args
                if args == "bandgap":
                    from crystal_design.bandgap import BandGapOracle
                    orc = BandGapOracle()
                gym.make("CrystalDesign-v0", task="bulk_modulus=100" if args == "bandgap" else None, oracle=orc)
            rc, msg = "no error", ""
        except CrystalDesignError as e: rc, msg = type(e).__name__, str(e)
    else:
        from crystal_design.cli import main
        argv = [runner] + [a.replace("{ck}", str(checkpoint)) for a in args]
        err, cwd = io.StringIO(), os.getcwd()
        os.chdir(workdir)
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()): rc = main(argv)
        finally: os.chdir(cwd)
        msg = err.getvalue().strip()
    new = sorted(files_in(workdir) - before)
    return dict(case=name, command=runner, exit=rc, message=msg, new_files=new)


def make_checkpoint(d: Path) -> Path:
    "A real agent checkpoint: a 16-episode DQN (GCN) density run on Rb3ScF6 with 8 envs."
    from crystal_design.design import design
    out = design("Rb3ScF6", "density=3", "density", "dqn", episodes=16, n_envs=8, arch="gcn", energy_rows=0, final_samples=8,
                 out=d / "ck-run", progress=False, agent_kw=dict(model_kw=dict(hidden=16, out_dim=16), updates_per_step=0.25))
    return out / "agent.pt"
