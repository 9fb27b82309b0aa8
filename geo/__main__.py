from geo.cli import main

if __name__ == "__main__":   # Dask's spawned worker processes re-import the main module: it must not run the CLI
    raise SystemExit(main())
