"""The console script reports database problems in one line, never a traceback."""

import subprocess
import sys


def test_a_database_that_was_never_set_up_is_one_clear_line(tmp_path):
    env = {"DDM_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "ddm.cli", "report", "quantum", "--zone", "ETH"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error: database:") and "ddm setup" in result.stderr
