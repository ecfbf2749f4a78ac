"""Found only through the .pth file that tests/host/install.sh puts in the test venv."""
WHERE = "pth_dir"
