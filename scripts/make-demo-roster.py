#!/usr/bin/env python3
"""Writes seeds/roster.json: a demo roster covering every area and role.

Per area: three first-aid responders in a daily rotation (hand-off 08:00), two psychosocial
responders in a weekly rotation (Mondays 09:00) and a coordinator; two national duty officers
cover every area. Names are invented; phone numbers are in the range the Swedish regulator keeps
for fiction (070-174 06 05 to 070-174 06 99).
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST = ["Anna", "Björn", "Cecilia", "Dawit", "Elin", "Farah", "Gustav", "Hanna", "Ibrahim", "Johanna", "Karim",
         "Linnea", "Mohamed", "Nora", "Oskar", "Petra", "Rasmus", "Sara", "Tariq", "Ulrika", "Viktor", "Yasmin",
         "Zeynep", "Amir", "Beata", "Daniel", "Emma", "Filip"]
LAST = ["Lindqvist", "Ahmed", "Berg", "Hassan", "Nyström", "Karlsson", "Warsame", "Holm", "Yilmaz", "Ek",
        "Sandberg", "Ali", "Lund", "Omar", "Strand"]


def slug(text):
    table = str.maketrans("åäöéü", "aaoeu")
    return "".join(c if c.isalnum() else "-" for c in text.lower().translate(table)).strip("-")


def main():
    areas = json.load(open(os.path.join(ROOT, "seeds", "areas.json")))["areas"]
    responders, rotations = [], []
    counter = 0

    def person(area, role):
        nonlocal counter
        name = f"{FIRST[counter % len(FIRST)]} {LAST[(counter * 7) % len(LAST)]}"
        phone = f"+46 70 174 06 {5 + counter % 95:02d}"
        counter += 1
        rid = f"r-{slug(area['id'])}-{role.replace('_', '')[:2]}{sum(1 for r in responders if r['areas'] == [area['id']] and role in r['roles']) + 1}"
        responders.append({"id": rid, "name": name, "contact": phone, "roles": [role], "areas": [area["id"]]})
        return rid

    for area in areas:
        first_aid = [person(area, "first_aid") for _ in range(3)]
        psychosocial = [person(area, "psychosocial") for _ in range(2)]
        coordinator = [person(area, "coordinator")]
        rotations += [
            {"id": f"{area['id']}-first-aid", "area": area["id"], "role": "first_aid", "shift_days": 1,
             "handoff": "08:00", "starts": "2026-01-05", "participants": first_aid},
            {"id": f"{area['id']}-psychosocial", "area": area["id"], "role": "psychosocial", "shift_days": 7,
             "handoff": "09:00", "starts": "2026-01-05", "participants": psychosocial},
            {"id": f"{area['id']}-coordinator", "area": area["id"], "role": "coordinator", "shift_days": 7,
             "handoff": "09:00", "starts": "2026-01-05", "participants": coordinator},
        ]
    everywhere = [a["id"] for a in areas]
    responders += [
        {"id": "r-national-1", "name": "Nationell tjänsteman 1", "contact": "+46 70 174 06 98",
         "roles": ["coordinator"], "areas": everywhere},
        {"id": "r-national-2", "name": "Nationell tjänsteman 2", "contact": "+46 70 174 06 99",
         "roles": ["coordinator"], "areas": everywhere},
    ]
    with open(os.path.join(ROOT, "seeds", "roster.json"), "w") as out:
        json.dump({"responders": responders, "rotations": rotations}, out, ensure_ascii=False, indent=1)
        out.write("\n")
    print(f"seeds/roster.json: {len(responders)} responders, {len(rotations)} rotations")


if __name__ == "__main__":
    main()
