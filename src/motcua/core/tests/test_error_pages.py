"""403, 404, 500 and CSRF failure pages: our layout, translated, right status codes."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "motcua.core.tests.urls_errors"
    settings.DEBUG = False


@pytest.mark.django_db
def test_404_uses_our_template_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html
    assert "Không tìm thấy trang" in html
    assert 'href="/static/core/motcua.css"' in html
    assert "Về bàn làm việc" in html
    assert '<nav class="sidenav"' not in html  # anonymous: the minimal layout


@pytest.mark.django_db
def test_404_for_a_signed_in_officer_keeps_the_menu(officer_client):
    response = officer_client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<nav class="sidenav"' in html
    assert "Không tìm thấy trang" in html


@pytest.mark.django_db
def test_404_in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_403_uses_our_template(error_urls, officer_client):
    response = officer_client.get("/test-errors/403/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.django_db
def test_500_uses_our_template_without_touching_the_database(error_urls, officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi máy chủ" in html
    assert '<html lang="vi">' in html


def test_500_template_renders_without_any_context():
    # Django renders 500.html with an empty context: no request, no user, no database.
    html = render_to_string("500.html")
    assert "Lỗi máy chủ" in html
    assert "/static/core/motcua.css" in html


@pytest.mark.django_db
def test_csrf_failure_page_explains_what_to_do(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html
    assert "cookie" in html
