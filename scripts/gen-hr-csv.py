#!/usr/bin/python3
"""A seeded CSV that looks like an HR / directory export, for the import benchmark.

    scripts/gen-hr-csv.py --rows 1000000 --seed 1 > users.csv

Every row is valid for `safecode import` with the default configuration (check
with `safecode import --check`). What makes it realistic, unlike `user0, user1, …`:

- usernames made from first and last names (jsmith, john.smith, smithj2, …), so
  they arrive in no particular order; a few in mixed case;
- display names with accents, CJK, Cyrillic, apostrophes, middle initials,
  "Last, First" order and suffixes such as "MD, PhD" (quoted cells);
- 70 % of rows have a phone and an email, 15 % only a phone, 15 % only an email;
- phones: US numbers in eight ways of writing them ((617) 432-2000,
  617.432.2000, 1-617-432-2000, +1 617 432 2000, …), some with a carrier; and
  on 8 % of rows UK, German or French mobiles, written +44 …, +49…, 0033 … or
  011 49 …;
- emails at web-mail providers, a share at the affiliate (preferred) domains
  partners.org and bidmc.harvard.edu, some in mixed case, a few IDN domains.

Standard library only; the same --seed gives the same file.
"""

import argparse
import csv
import random
import sys
import unicodedata

FIRST = """James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth
David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher
Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven
Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian
Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon
Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley
Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen
Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel
Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler Diane
Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria
Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith
Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Gerald
Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances
Dylan Kathryn Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe Judy Bruce
Sophia Gabriel Grace Logan Denise Albert Amber Willie Doris Alan Marilyn Juan Danielle
Wayne Beverly Elijah Isabella Randy Theresa Roy Diana Vincent Natalie Ralph Brittany
Eugene Charlotte Russell Marie Bobby Kayla Mason Alexis Philip Lori Priya Raj Aisha
Mohammed Fatima Omar Wei Mei Hiroshi Yuki Sanjay Anjali Kwame Ngozi""".split()

FIRST_ACCENTED = """José María Zoë Renée François Søren Łukasz Jürgen Inés Noémie
Agnès Hélène Björn Åsa Ümit Çağla Dagný Núria Miloš Tomáš Zoltán Ana-María
Jérôme Raphaël Anaïs Thérèse Göran Øystein Małgorzata Iñaki Ramón Joël""".split()

LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King
Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins
Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James
Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross
Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson
Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton
Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis
Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman
Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon
Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen
Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll
Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena
Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios
Estrada Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke Larson Santiago
Maldonado Morrison Franklin Carlson Austin Dominguez Carr Lawson Jacobs Obrien Lynch
Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson Gilbert Dean Sims Espinoza
Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch Rojas Lucas
Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler
Mejia Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas
Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins
Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe
Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton Schwartz
Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele Vaughn Becker
Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves
Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page
McCarthy Love Robles Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes
Baldwin Daniel Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp
Barber Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair Oconnor
Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano
Fitzgerald Rosales Stevenson Christensen Manning Gill Curry McLaughlin Harmon McGee
Gross Doyle Garner Newton Burgess Reese Walton Blake Trujillo Adkins Brady Goodman
Roman Webster Goodwin Fischer Huang Potter Delacruz Montoya Todd Wu Hines Mullins
Castaneda Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia
Saunders Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram Wise Gallegos
Clarke Barton Schroeder Maxwell Waters Logan Camacho Strickland Norman Person Colon
Parsons Frank Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler
Suarez Bowers Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar McGuire
Lloyd Mueller Hartman French Kramer McBride Pope Lindsey Velazquez Norton McCormick
Sparks Flynn Yates Hogan Marsh Macias Villanueva Zamora Pratt Stokes Owen Ballard Lang
Brock Villarreal Charles Drake Barrera Cain Patrick Pineda Burnett Mercado Santana
Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess Beil Olsen Cochran Morton
Nash Wilkins Petersen Briggs Shah Roth Nicholson Holloway Lozano Rangel Flowers Hoover
Short Arias Mora Valenzuela Bryan Meyers Weiss Underwood Bass Greer Summers Houston
Carson Morrow Clayton Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez Poole
Roberson Larsen Conley Davenport Copeland Massey Lam Huff Rocha Cameron Jefferson Hood
Monroe Anthony Pittman Huynh Randall Singleton Kirk Combs Mathis Christian Skinner
Bradford Richard Galvan Wall Boone Kirby Wilkinson Bridges Bruce Atkinson Velez Rich
Whitehead Villa Shannon Sharma Gupta Reddy Okafor Mensah Nakamura Tanaka Suzuki
Yamamoto""".split()

LAST_ACCENTED = """Müller Núñez Gómez Hernández Björk Çelik Lefèvre Sørensen Wójcik
Dvořák Kovačević Özdemir Jiménez Peña Muñoz Ibáñez Schröder Größer Lindqvist
Ramírez Fernández Ó'Súilleabháin Nguyễn Trần Lê Phạm Đặng""".split()

APOSTROPHE = ["O'Brien", "O'Connor", "O'Neil", "D'Angelo", "O'Malley", "D'Souza",
              "O'Reilly", "Dell'Orto", "N'Diaye", "O'Hara"]

# (display, ASCII for the username): Chinese, Japanese and Korean names as written,
# family name first; Cyrillic names.
CJK = [("张伟", "zhang", "wei"), ("王芳", "wang", "fang"), ("李娜", "li", "na"),
       ("刘洋", "liu", "yang"), ("陈静", "chen", "jing"), ("杨磊", "yang", "lei"),
       ("黄敏", "huang", "min"), ("赵丽", "zhao", "li"), ("周杰", "zhou", "jie"),
       ("吴强", "wu", "qiang"), ("佐藤 健", "sato", "ken"), ("鈴木 花子", "suzuki", "hanako"),
       ("高橋 翔", "takahashi", "sho"), ("田中 美咲", "tanaka", "misaki"),
       ("김민준", "kim", "minjun"), ("이서연", "lee", "seoyeon"), ("박지훈", "park", "jihoon")]
CYRILLIC = [("Иван Петров", "petrov", "ivan"), ("Ольга Смирнова", "smirnova", "olga"),
            ("Дмитрий Кузнецов", "kuznetsov", "dmitry"), ("Анна Попова", "popova", "anna"),
            ("Сергей Васильев", "vasilyev", "sergey"), ("Наталья Соколова", "sokolova", "natalya"),
            ("Алексей Морозов", "morozov", "alexey"), ("Елена Волкова", "volkova", "elena"),
            ("Олександр Шевченко", "shevchenko", "oleksandr"), ("Мария Новикова", "novikova", "maria")]

SUFFIXES = ["MD", "PhD", "MD, PhD", "Jr.", "III", "RN", "MPH", "DMD", "MD, MPH", "Sr."]

# Area codes in use (Massachusetts first: a Boston-area employer), exchanges
# avoiding N11, 555, 950 and 958/959.
AREAS = [617, 857, 781, 339, 508, 774, 978, 351, 413, 603, 401, 212, 646, 718, 917,
         347, 415, 510, 650, 408, 312, 773, 202, 301, 703, 305, 713, 214, 206, 404]

CARRIERS = ["verizon", "Verizon", "T-Mobile", "tmobile", "AT&T", "Google Fi", "Mint Mobile"]

WEBMAIL = ["gmail.com"] * 9 + ["yahoo.com"] * 3 + ["outlook.com"] * 2 + [
    "hotmail.com", "icloud.com", "aol.com", "comcast.net", "verizon.net", "me.com",
    "protonmail.com", "mgh.harvard.edu", "bu.edu", "mit.edu"]
AFFILIATE = ["partners.org", "bidmc.harvard.edu", "mail.partners.org"]
IDN = ["münchen.example", "bücher.example", "café.example", "日本語.example"]


def ascii_of(s):
    """Lowercase ASCII letters of a Latin name: accents dropped, ł ø ß đ spelt out."""
    s = s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    s = s.replace("ß", "ss").replace("đ", "d").replace("Đ", "D").replace("ı", "i")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and c.isalpha()).lower()


def person(r):
    """(display name, ascii first, ascii last)."""
    x = r.random()
    if x < 0.03:
        disp, last, first = r.choice(CJK)
        return disp, first, last
    if x < 0.05:
        disp, last, first = r.choice(CYRILLIC)
        return disp, first, last
    first = r.choice(FIRST_ACCENTED) if r.random() < 0.08 else r.choice(FIRST)
    y = r.random()
    if y < 0.04:
        last = r.choice(APOSTROPHE)
    elif y < 0.12:
        last = r.choice(LAST_ACCENTED)
    else:
        last = r.choice(LAST)
    if r.random() < 0.05:
        last = f"{last}-{r.choice(LAST)}"
    middle = f" {chr(65 + r.randrange(26))}." if r.random() < 0.2 else ""
    if r.random() < 0.25:
        disp = f"{last}, {first}{middle}"
    else:
        disp = f"{first}{middle} {last}"
    if r.random() < 0.06:
        disp = f"{disp}, {r.choice(SUFFIXES)}"
    return disp, ascii_of(first), ascii_of(last)


def us_phone(r):
    area = r.choice(AREAS)
    while True:
        ex = r.randrange(200, 1000)
        if ex % 100 != 11 and ex not in (555, 950, 958, 959, 976):
            break
    line = r.randrange(10000)
    a, e, n = f"{area}", f"{ex}", f"{line:04d}"
    return r.choice([
        f"({a}) {e}-{n}",
        f"{a}.{e}.{n}",
        f"1-{a}-{e}-{n}",
        f"+1 {a} {e} {n}",
        f"{a}-{e}-{n}",
        f"{a}{e}{n}",
        f"+1{a}{e}{n}",
        f"1 ({a}) {e}-{n}",
    ])


def digits(r, n):
    return "".join(str(r.randrange(10)) for _ in range(n))


def intl_phone(r):
    country = r.choice(["44", "49", "33"])
    if country == "44":  # UK mobiles 74[0-4]x, 77[1-7]x, 78[0-9 minus 2,3]x
        national = r.choice(["74" + str(r.randrange(5)), "77" + str(r.randrange(1, 8)),
                             "78" + r.choice("0145789")]) + digits(r, 7)
        spaced = f"{national[:4]} {national[4:]}"
    elif country == "49":  # German mobiles 151/152/157/159, 170-179
        national = r.choice(["151", "152", "157", "159", "17" + str(r.randrange(10))]) + digits(r, 8)
        spaced = f"{national[:3]} {national[3:]}"
    else:  # French mobiles 6[0-24-8]x
        national = "6" + r.choice("01245678") + digits(r, 7)
        spaced = " ".join([national[0]] + [national[i:i + 2] for i in range(1, 9, 2)])
    return r.choice([
        f"+{country} {spaced}",
        f"+{country}{national}",
        f"011 {country} {spaced}",
        f"00{country} {spaced}",
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    r = random.Random(args.seed)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["username", "name", "phone", "carrier", "email"])
    taken = set()
    for _ in range(args.rows):
        disp, first, last = person(r)
        f0 = first[:1] or "x"
        shape = r.random()
        if shape < 0.45:
            base = f"{f0}{last}"
        elif shape < 0.75:
            base = f"{first}.{last}"
        elif shape < 0.9:
            base = f"{last}{f0}"
        else:
            base = f"{first}_{last}"
        base = base[:56]
        user = base
        n = 1
        while user in taken:
            n += 1
            user = f"{base}{n}" if n < 50 else f"{base}{r.randrange(100, 100000)}"
        taken.add(user)
        shown = user.capitalize() if r.random() < 0.03 else user
        kind = r.random()
        has_phone = kind < 0.85
        has_email = kind < 0.70 or kind >= 0.85
        phone = carrier = email = ""
        if has_phone:
            # 8 % of all rows: 0.094 of the 85 % that have a phone.
            if r.random() < 0.094:
                phone = intl_phone(r)
            else:
                phone = us_phone(r)
                if r.random() < 0.10:
                    carrier = r.choice(CARRIERS)
        if has_email:
            d = r.random()
            if d < 0.15:
                domain = r.choice(AFFILIATE)
                local = f"{f0}{last}{n if n > 1 else ''}"
            else:
                domain = r.choice(IDN) if d < 0.16 else r.choice(WEBMAIL)
                local = r.choice([f"{first}.{last}", user, f"{user}+hr", f"{first}{last}{r.randrange(100)}"])
            if r.random() < 0.05:
                local = local.capitalize()
                domain = domain.upper() if domain.isascii() else domain
            email = f"{local}@{domain}"
        out.writerow([shown, disp, phone, carrier, email])


if __name__ == "__main__":
    main()
