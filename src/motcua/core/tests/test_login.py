"""Staff sign in and out; the login page speaks Vietnamese unless the user picks English."""

import re

import pytest
from django.urls import reverse

from motcua.core.tests.factories import PASSWORD, UserFactory


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    html = text_of(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert '<h1 id="login-title">Đăng nhập</h1>' in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_login_page_ignores_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in text_of(response)
    assert response["Content-Language"] == "vi"


@pytest.mark.django_db
def test_login_page_is_english_after_switching_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    html = text_of(client.get(reverse("login")))
    assert '<html lang="en">' in html
    assert '<h1 id="login-title">Sign in</h1>' in html
    assert "Username" in html
    assert "Đăng nhập" not in html
    # And back to Vietnamese.
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("login")})
    assert '<html lang="vi">' in text_of(client.get(reverse("login")))


@pytest.mark.django_db
def test_unknown_language_choice_keeps_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in text_of(client.get(reverse("login")))


@pytest.mark.django_db
def test_login_form_is_accessible(client):
    html = text_of(client.get(reverse("login")))
    # Every input has a label, and the page has the landmarks.
    for field_id in ("id_username", "id_password"):
        assert f'for="{field_id}"' in html
        assert f'id="{field_id}"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<main id="main"' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
def test_staff_signs_in_and_lands_on_the_work_desk(client):
    user = UserFactory(username="tiepnhan.thu")
    response = client.post(reverse("login"), {"username": "tiepnhan.thu", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert user.full_name in text_of(response)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_vietnamese_message(client):
    UserFactory(username="tiepnhan.thu")
    response = client.post(
        reverse("login"), {"username": "tiepnhan.thu", "password": "wrong-password"}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "mật khẩu chính xác" in html  # Django's own Vietnamese message
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_inactive_user_cannot_sign_in(client):
    UserFactory(username="nghiviec", is_active=False)
    client.post(reverse("login"), {"username": "nghiviec", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_keeps_the_next_page(client):
    UserFactory(username="tiepnhan.thu")
    html = text_of(client.get(reverse("login") + "?next=/admin/"))
    assert re.search(r'name="next" value="/admin/"', html)
    response = client.post(
        reverse("login"),
        {"username": "tiepnhan.thu", "password": PASSWORD, "next": "/api/v1/docs/"},
    )
    assert response["Location"] == "/api/v1/docs/"


@pytest.mark.django_db
def test_login_refuses_a_redirect_to_another_host(client):
    UserFactory(username="tiepnhan.thu")
    response = client.post(
        reverse("login"),
        {"username": "tiepnhan.thu", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_logout_is_a_post_with_csrf(officer_client):
    html = text_of(officer_client.get(reverse("core:home")))
    assert re.search(
        r'<form method="post" action="/accounts/logout/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )
    assert officer_client.get(reverse("logout")).status_code == 405
    response = officer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert officer_client.get(reverse("core:home")).status_code == 302


@pytest.mark.django_db
def test_demo_password_hint_only_where_demo_data_is_allowed(client, settings):
    settings.MOTCUA_DEMO_DATA = True
    assert "motcua-demo-2026" in text_of(client.get(reverse("login")))
    settings.MOTCUA_DEMO_DATA = False
    assert "motcua-demo-2026" not in text_of(client.get(reverse("login")))
