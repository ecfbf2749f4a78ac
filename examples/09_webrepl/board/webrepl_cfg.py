PASS = "python"
