"""Give practices that existed before the portal Frame's crisis contacts and articles."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from frame.portal.crisis import UK_DEFAULTS
    from frame.portal.library import DEFAULT_KEYS, load

    Practice = apps.get_model("accounts", "Practice")
    CrisisContact = apps.get_model("portal", "CrisisContact")
    Article = apps.get_model("portal", "Article")
    ArticleVersion = apps.get_model("portal", "ArticleVersion")
    for practice_id in Practice.objects.values_list("pk", flat=True):
        if not CrisisContact.objects.filter(practice_id=practice_id).exists():
            CrisisContact.objects.bulk_create(
                CrisisContact(
                    practice_id=practice_id,
                    position=position,
                    name=contact.name,
                    how_to_reach=contact.how_to_reach,
                    when_to_use=contact.when_to_use,
                    nations=contact.nations,
                )
                for position, contact in enumerate(UK_DEFAULTS, start=1)
            )
        for position, key in enumerate(DEFAULT_KEYS, start=1):
            if Article.objects.filter(practice_id=practice_id, key=key).exists():
                continue
            text = load(key)
            article = Article.objects.create(practice_id=practice_id, key=key, position=position * 10)
            version = ArticleVersion.objects.create(
                article=article, number=1, title=text.title, summary=text.summary, body=text.body
            )
            article.current_version = version
            article.save(update_fields=["current_version"])


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("accounts", "0002_practice_portal_requires_mfa")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
