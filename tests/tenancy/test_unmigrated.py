import shutil

from ptcc.app import create_app


def test_territory_without_database_answers_503_with_the_fix(tmp_path, app):
    tenants = tmp_path / "tenants"
    shutil.copytree(app.config["PTCC_TENANTS_PATH"], tenants)
    fresh = create_app({"TESTING": False, "SECRET_KEY": "x", "PTCC_TENANTS_PATH": str(tenants),
                        "PTCC_INSTANCE_PATH": str(tmp_path / "instance")})
    response = fresh.test_client().get("/", headers={"Host": "alpha.test"})
    assert response.status_code == 503
    assert "ptcc db upgrade" in response.get_data(as_text=True)
