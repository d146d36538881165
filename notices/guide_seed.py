"""The protection guide's first items, written in plain words from the public protection guide
of the Chinese Center for Disease Control and Prevention (《新型冠状病毒感染的肺炎公众防护指南》):
practical steps for home, going out, masks, hand washing, caring for a sick family member and
what to do with a fever. Loading again changes nothing already there."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notices.models import GuideItem, GuideTopic
from places.models import Place

SOURCE = "中国疾病预防控制中心《新型冠状病毒感染的肺炎公众防护指南》"

# (topic, position, title_zh, body_zh, title_en, body_en)
ITEMS: tuple[tuple[str, int, str, str, str, str], ...] = (
    (
        GuideTopic.HOME,
        1,
        "居家：多通风，勤清洁",
        "1. 每天开窗通风两到三次，每次不少于30分钟，注意保暖。\n"
        "2. 门把手、桌面、手机、遥控器等常摸的地方，每天用含氯消毒液或75%酒精擦拭一次。\n"
        "3. 家人毛巾、餐具分开用，餐具煮沸15分钟以上可以消毒。\n"
        "4. 消毒液按说明书兑水，不要和洗厕液混用，放在孩子拿不到的地方。\n"
        "5. 少串门、不聚餐，尽量待在家里。",
        "At home: fresh air and cleaning",
        "1. Open the windows two or three times a day, at least 30 minutes each time; keep warm.\n"
        "2. Once a day, wipe what everyone touches (door handles, tables, phones, remote "
        "controls) with a chlorine disinfectant or 75% alcohol.\n"
        "3. Keep towels and tableware separate; boiling tableware for 15 minutes disinfects it.\n"
        "4. Dilute disinfectant as the label says, never mix it with toilet cleaner, and keep it "
        "out of children's reach.\n"
        "5. Do not visit others or eat together in groups; stay at home as much as you can.",
    ),
    (
        GuideTopic.GOING_OUT,
        1,
        "出门：少去人多的地方",
        "1. 非必要不出门；必须出门时戴好口罩。\n"
        "2. 不去人多、不通风的地方，与别人保持1米以上距离。\n"
        "3. 进出小区配合测体温、登记。\n"
        "4. 乘坐电梯、公交时不要用手揉眼、摸口鼻，按电梯可以用纸巾隔开。\n"
        "5. 回家后先摘口罩、洗手，再碰其他东西。",
        "Going out: avoid crowds",
        "1. Go out only when you must, and wear a mask.\n"
        "2. Avoid crowded or badly ventilated places; keep at least 1 metre from others.\n"
        "3. At the gate of your compound, have your temperature taken and sign in.\n"
        "4. In lifts and buses do not rub your eyes or touch your nose and mouth; press lift "
        "buttons through a tissue.\n"
        "5. Back home, take off your mask and wash your hands before touching anything else.",
    ),
    (
        GuideTopic.MASKS,
        1,
        "口罩：怎么选，怎么戴，怎么扔",
        "1. 普通人出门戴一次性医用口罩或医用外科口罩即可。\n"
        "2. 有颜色的一面朝外，金属条在上，压紧鼻梁，拉开褶皱盖住口鼻和下巴。\n"
        "3. 口罩变湿、变脏或戴了4小时左右就换新的。\n"
        "4. 摘口罩时只拿耳绳，不碰外面；摘下后对折放进袋子，扔进垃圾桶，然后洗手。\n"
        "5. 棉布口罩、纸口罩挡不住病毒，不要用。",
        "Masks: which, how to wear, how to throw away",
        "1. When going out, a disposable medical mask or a surgical mask is enough for most "
        "people.\n"
        "2. Coloured side out, metal strip on top: press it to your nose and open the folds to "
        "cover nose, mouth and chin.\n"
        "3. Change it when it is wet or dirty, or after about 4 hours.\n"
        "4. Take it off by the ear loops without touching the front, fold it into a bag, put it "
        "in the bin, then wash your hands.\n"
        "5. Cotton and paper masks do not stop the virus; do not rely on them.",
    ),
    (
        GuideTopic.HANDS,
        1,
        "洗手：流水加肥皂，搓够20秒",
        "1. 饭前便后、回家后、咳嗽打喷嚏后、摸过公共物品后都要洗手。\n"
        "2. 用流动的水和肥皂或洗手液，搓手心、手背、指缝、指背、大拇指、指尖和手腕，"
        "至少20秒。\n"
        "3. 没有水时可以用含酒精的免洗洗手液。\n"
        "4. 咳嗽、打喷嚏时用纸巾或胳膊肘挡住，不要用手捂。",
        "Hand washing: running water, soap, 20 seconds",
        "1. Wash your hands before eating, after the toilet, when you come home, after coughing "
        "or sneezing and after touching shared things.\n"
        "2. With running water and soap, rub palms, backs of hands, between the fingers, knuckles, "
        "thumbs, fingertips and wrists for at least 20 seconds.\n"
        "3. Without water, use an alcohol hand rub.\n"
        "4. Cough or sneeze into a tissue or your elbow, not your hand.",
    ),
    (
        GuideTopic.CARING,
        1,
        "家里有人不舒服：这样照顾",
        "1. 让病人单独住一间通风好的房间，减少和家人接触，家人与他保持1米以上距离。\n"
        "2. 尽量由一位身体健康的家人照顾，照顾时双方都戴口罩。\n"
        "3. 病人用过的餐具、毛巾单独放，单独清洗消毒。\n"
        "4. 接触病人或他用过的东西后马上洗手。\n"
        "5. 每天给病人量两次体温，记下来；症状加重要马上告诉社区并就医。",
        "Someone at home is unwell: caring for them",
        "1. Give the sick person a well-aired room of their own; family keep at least 1 metre "
        "away.\n"
        "2. One healthy family member does the caring; both wear masks.\n"
        "3. Keep their tableware and towels apart, and wash and disinfect them separately.\n"
        "4. Wash your hands straight after touching them or their things.\n"
        "5. Take their temperature twice a day and write it down; if they get worse, tell the "
        "community and see a doctor at once.",
    ),
    (
        GuideTopic.FEVER,
        1,
        "发热了怎么办：先报告，再就医",
        "1. 体温37.3°C以上，或有咳嗽、乏力、气促，先在家戴好口罩，不要自己乱跑。\n"
        "2. 在邻里里填当天的健康报告，如实填写体温和症状，网格员会联系您。\n"
        "3. 打电话给社区，说明情况；社区会安排就诊和车辆。\n"
        "4. 按社区安排去发热门诊。路上全程戴口罩，不坐公交、地铁，尽量不碰别人。\n"
        "5. 告诉医生最近去过哪里、接触过谁。",
        "If you have a fever: report first, then see a doctor",
        "1. With a temperature of 37.3°C or more, or a cough, tiredness or shortness of breath, "
        "stay at home with a mask on; do not go out on your own.\n"
        "2. Fill in today's health report in Linli with your true temperature and symptoms; "
        "your grid worker will contact you.\n"
        "3. Call your community and say what is wrong; it arranges the visit and transport.\n"
        "4. Go to the fever clinic as the community arranges. Wear a mask all the way, do not "
        "take buses or the metro, and keep away from others.\n"
        "5. Tell the doctor where you have been and whom you have met recently.",
    ),
)


@transaction.atomic
def guide_seed(city: Place) -> int:
    """Load the guide's first items for `city`; items already there (by topic and order) stay
    as they are. Returns how many were added."""
    now = timezone.now()
    added = 0
    for topic, position, title_zh, body_zh, title_en, body_en in ITEMS:
        _item, created = GuideItem.objects.get_or_create(
            city=city,
            topic=topic,
            position=position,
            defaults={
                "city_path": city.path,
                "title_zh": title_zh,
                "body_zh": body_zh,
                "title_en": title_en,
                "body_en": body_en,
                "source": SOURCE,
                "published": True,
                "updated_at": now,
            },
        )
        added += int(created)
    return added
