from pathlib import Path

from likeness_watch.warehouse.paths import DBT_PROJECT_DIR, resolve_store_uri, root_for


def test_relative_paths_are_read_from_the_repo_root_even_inside_dbt_project(tmp_path):
    repo = tmp_path / "repo"
    assert root_for(repo) == repo
    assert root_for(repo / "dbt_project") == repo
    assert resolve_store_uri("data/lake", repo / "dbt_project") == str(repo / "data" / "lake")
    assert resolve_store_uri("./data/lake", repo) == str(repo / "data" / "lake")


def test_object_store_uris_and_absolute_paths_pass_through(tmp_path):
    assert resolve_store_uri("s3://bucket/prefix", tmp_path) == "s3://bucket/prefix"
    assert resolve_store_uri(str(tmp_path / "lake"), Path("/elsewhere")) == str(tmp_path / "lake")
    assert resolve_store_uri(f"file://{tmp_path}/lake", Path("/elsewhere")) == str(tmp_path / "lake")


def test_the_dbt_project_is_found_in_the_repository():
    assert (DBT_PROJECT_DIR / "dbt_project.yml").is_file()
    assert (DBT_PROJECT_DIR / "profiles.yml").is_file()
