"""The glossary's first terms: those the 2017 PIM training report itself uses.

Each is "proposed": the report uses the words, but no forum has yet agreed their Arabic, which
is what action A-4 asks the cluster to do. A term already there (by its English, whatever its
capitals) is left as it is, so a coordinator's edits survive; reversing removes only the
seeded terms nobody has agreed or changed since.
"""

from django.db import migrations
from django.db.models.functions import Lower

SOURCE = "PIM training, Libya, December 2017"

# (English, Arabic, definition in English, definition in Arabic)
TERMS = [
    (
        "Protection Information Management (PIM)",
        "إدارة معلومات الحماية",
        "The principled, systematised and collaborative processes to collect, process, "
        "analyse, store, share and use data and information to enable evidence-informed "
        "action for quality protection outcomes.",
        "العمليات المنهجية والتشاركية والقائمة على المبادئ لجمع البيانات والمعلومات "
        "ومعالجتها وتحليلها وتخزينها وتبادلها واستخدامها، بما يتيح عملاً قائماً على الأدلة "
        "يحقق نتائج حماية جيدة.",
    ),
    (
        "Information management",
        "إدارة المعلومات",
        "Collecting, processing, analysing and sharing data and information so that it "
        "supports decisions.",
        "جمع البيانات والمعلومات ومعالجتها وتحليلها وتبادلها بحيث تدعم اتخاذ القرار.",
    ),
    (
        "Internally displaced persons (IDPs)",
        "النازحون داخلياً",
        "Persons forced to leave their homes, in particular because of armed conflict, "
        "violence, human rights violations or disasters, who have not crossed an "
        "internationally recognised state border.",
        "أشخاص أُجبروا على ترك ديارهم، ولا سيما بسبب النزاع المسلح أو العنف أو انتهاكات "
        "حقوق الإنسان أو الكوارث، ولم يعبروا حدود دولة معترفاً بها دولياً.",
    ),
    (
        "Returnees",
        "العائدون",
        "Displaced persons who have gone back to their place of origin or habitual "
        "residence.",
        "نازحون عادوا إلى أماكنهم الأصلية أو إلى أماكن إقامتهم المعتادة.",
    ),
    (
        "Refugees",
        "اللاجئون",
        "Persons outside their country of nationality who cannot return owing to a "
        "well-founded fear of persecution, conflict or serious public disorder.",
        "أشخاص خارج بلد جنسيتهم لا يستطيعون العودة إليه بسبب خوف له ما يبرره من الاضطهاد، "
        "أو بسبب النزاع أو الإخلال الجسيم بالنظام العام.",
    ),
    (
        "Persons of concern",
        "الأشخاص موضع الاهتمام",
        "The people a protection actor works for under its mandate, such as refugees, "
        "asylum-seekers, IDPs, returnees and stateless persons.",
        "الأشخاص الذين تعمل الجهة المعنية بالحماية من أجلهم بموجب ولايتها، كاللاجئين "
        "وطالبي اللجوء والنازحين داخلياً والعائدين وعديمي الجنسية.",
    ),
    (
        "Affected populations",
        "السكان المتضررون",
        "The people whose lives are affected by a crisis, and to whom humanitarian actors "
        "are accountable.",
        "الناس الذين تضرّرت حياتهم من الأزمة، والذين تخضع الجهات الإنسانية للمساءلة أمامهم.",
    ),
    (
        "Protection monitoring",
        "رصد الحماية",
        "Collecting, verifying and analysing information over time to identify violations "
        "of rights and protection risks, so as to inform responses.",
        "جمع المعلومات والتحقق منها وتحليلها على مدى زمني لتحديد انتهاكات الحقوق ومخاطر "
        "الحماية، بهدف توجيه الاستجابة.",
    ),
    (
        "Needs assessment",
        "تقييم الاحتياجات",
        "A time-bound exercise to identify and understand the needs of a population and the "
        "gaps in the response.",
        "عملية محددة المدة لتحديد احتياجات السكان وفهمها، والوقوف على الثغرات في الاستجابة.",
    ),
    (
        "Protection analysis",
        "تحليل الحماية",
        "Examining threats, vulnerabilities and capacities to understand protection risks "
        "and set response priorities.",
        "دراسة التهديدات ومواطن الضعف والقدرات لفهم مخاطر الحماية وتحديد أولويات الاستجابة.",
    ),
    (
        "5Ws (who does what, where, when and for whom)",
        "مصفوفة 5Ws (من يفعل ماذا، وأين، ومتى، ولمن)",
        "A table of the activities of each organisation, by place, time and population "
        "served, so that partners can see gaps and overlaps.",
        "جدول بأنشطة كل منظمة بحسب المكان والزمان والفئة المستفيدة، ليرى الشركاء الثغرات "
        "والتداخلات.",
    ),
    (
        "4Ws (who does what, where and when)",
        "مصفوفة 4Ws (من يفعل ماذا، وأين، ومتى)",
        "The 5Ws without the population served.",
        "مصفوفة 5Ws دون الفئة المستفيدة.",
    ),
    (
        "Data sharing protocol",
        "بروتوكول تبادل البيانات",
        "An agreement that sets out which data partners share, for what purpose, how, and "
        "with which safeguards.",
        "اتفاق يحدد البيانات التي يتبادلها الشركاء، والغرض منها، وطريقة تبادلها، وضمانات "
        "حمايتها.",
    ),
    (
        "Data protection",
        "حماية البيانات",
        "Measures that keep personal data confidential, accurate and used only for the "
        "purpose for which it was collected.",
        "تدابير تضمن سرية البيانات الشخصية ودقتها وعدم استخدامها إلا للغرض الذي جُمعت من "
        "أجله.",
    ),
    (
        "Sensitive data",
        "البيانات الحساسة",
        "Data whose disclosure could harm the people it concerns, or those who collected it.",
        "بيانات قد يُلحق الكشفُ عنها الضررَ بالأشخاص الذين تخصهم أو بمن جمعوها.",
    ),
    (
        "Accountability to Affected Populations (AAP)",
        "المساءلة أمام السكان المتضررين",
        "A commitment to use power responsibly: taking account of, giving account to, and "
        "being held to account by the people humanitarian actors seek to assist.",
        "الالتزام باستخدام السلطة بمسؤولية: مراعاة آراء الأشخاص الذين تسعى الجهات الإنسانية "
        "إلى مساعدتهم، وإطلاعهم على ما يجري، والخضوع لمساءلتهم.",
    ),
    (
        "Feedback and complaints mechanism",
        "آلية التغذية الراجعة والشكاوى",
        "A safe and accessible way for affected people to comment on, or complain about, "
        "the assistance and protection they receive, and to get an answer.",
        "وسيلة آمنة ومتاحة يُبدي بها السكان المتضررون ملاحظاتهم أو شكاواهم بشأن المساعدة "
        "والحماية التي يتلقونها، ويحصلون على رد عليها.",
    ),
    (
        "Do no harm",
        "عدم إلحاق الضرر",
        "The duty to avoid exposing people to further harm through one's actions, data "
        "collection included.",
        "واجب تجنّب تعريض الناس لمزيد من الضرر بسبب ما نقوم به، بما في ذلك جمع البيانات.",
    ),
    (
        "Focal point",
        "نقطة الاتصال",
        "The person an organisation names to follow a subject or an action point and to "
        "answer for it.",
        "الشخص الذي تسمّيه المنظمة لمتابعة موضوع أو نقطة عمل والرد بشأنها.",
    ),
    (
        "Service mapping",
        "رسم خرائط الخدمات",
        "Listing which services are available, where, by whom and for whom, so that people "
        "can be referred to them.",
        "حصر الخدمات المتاحة وأماكنها ومقدّميها والمستفيدين منها، لتيسير إحالة الأشخاص إليها.",
    ),
    (
        "Referral pathway",
        "مسار الإحالة",
        "The agreed steps and contacts by which a person with a protection need is referred, "
        "safely and with their consent, to the services they need.",
        "الخطوات وجهات الاتصال المتفق عليها لإحالة الشخص الذي لديه احتياج للحماية، بأمان "
        "وبموافقته، إلى الخدمات التي يحتاجها.",
    ),
    (
        "Protection mainstreaming",
        "تعميم مراعاة الحماية",
        "Incorporating protection principles (safety, dignity, meaningful access, "
        "accountability, participation) into all humanitarian aid.",
        "إدماج مبادئ الحماية (السلامة والكرامة والوصول الفعلي والمساءلة والمشاركة) في جميع "
        "أوجه العمل الإنساني.",
    ),
    (
        "Mixed migration",
        "الهجرة المختلطة",
        "Movements in which refugees, asylum-seekers and migrants with different needs and "
        "statuses travel together along the same routes.",
        "تنقلات يسلك فيها لاجئون وطالبو لجوء ومهاجرون مختلفو الاحتياجات والأوضاع القانونية "
        "الطرقَ نفسها معاً.",
    ),
    (
        "Population data",
        "بيانات السكان",
        "Figures on the size, location and characteristics of a population, such as sex, "
        "age and displacement status.",
        "أرقام عن حجم السكان وأماكن وجودهم وخصائصهم، كالجنس والعمر ووضع النزوح.",
    ),
    (
        "Triangulation",
        "التثليث (المقارنة بين المصادر)",
        "Checking a finding against several sources or methods before relying on it.",
        "التحقق من نتيجة ما بمقارنتها بعدة مصادر أو طرق قبل الاعتماد عليها.",
    ),
    (
        "Administrative unit",
        "الوحدة الإدارية",
        "An area of the country's administrative division (such as a region, district or "
        "municipality) used to locate data, so that data from different sources can be "
        "compared.",
        "منطقة من التقسيم الإداري للبلد (كالمنطقة أو الشعبية أو البلدية) تُستخدم لتحديد موقع "
        "البيانات، بحيث يمكن مقارنة بيانات المصادر المختلفة.",
    ),
    (
        "Protection Cluster",
        "مجموعة الحماية",
        "The coordination forum of the organisations working on protection in a "
        "humanitarian response.",
        "منتدى التنسيق الذي يضم المنظمات العاملة في مجال الحماية ضمن الاستجابة الإنسانية.",
    ),
    (
        "Humanitarian Response Plan (HRP)",
        "خطة الاستجابة الإنسانية",
        "The plan, with its projects and funding needs, that sets out how humanitarian "
        "actors will respond to the needs of a crisis.",
        "الخطة التي تبيّن، بمشاريعها واحتياجاتها التمويلية، كيف ستستجيب الجهات الإنسانية "
        "لاحتياجات الأزمة.",
    ),
    (
        "Action point",
        "نقطة عمل",
        "A commitment of the action plan, with an owner, a status and a due date.",
        "التزام من التزامات خطة العمل، له مسؤول وحالة وتاريخ استحقاق.",
    ),
]


def add_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("actions", "GlossaryTerm")
    there = set(
        GlossaryTerm.objects.annotate(key=Lower("english")).values_list("key", flat=True)
    )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            english=english,
            arabic=arabic,
            definition_en=definition_en,
            definition_ar=definition_ar,
            source=SOURCE,
            status="proposed",
        )
        for english, arabic, definition_en, definition_ar in TERMS
        if english.lower() not in there
    )


def remove_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("actions", "GlossaryTerm")
    for english, arabic, definition_en, definition_ar in TERMS:
        GlossaryTerm.objects.filter(
            english=english,
            arabic=arabic,
            definition_en=definition_en,
            definition_ar=definition_ar,
            source=SOURCE,
            status="proposed",
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0007_glossary_term"),
    ]

    operations = [
        migrations.RunPython(add_terms, remove_terms),
    ]
