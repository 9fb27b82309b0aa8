"""Admin-1 units: GeoNames admin1 codes → today's official English names, plus common spellings.

Keys are GeoNames-style codes (``UA.05``), the same as ``gn_a1_code`` in the Natural Earth
polygons, so gazetteer places and region polygons meet on one key. Names follow current
official English usage (Kyiv, Odesa, Zaporizhzhia; Ukrainian units per the 2019 national
transliteration, Russian units per their common English names). Aliases are stems people
type in hints ("Donetsk", "Donets'ka", "Донецкая"); the gazetteer normalises and
fuzzy-matches them, so they need not list every spelling.
"""
from __future__ import annotations

from typing import NamedTuple


class Admin1(NamedTuple):
    code: str            # GeoNames admin1 code, e.g. "UA.05"
    name: str            # official English name, e.g. "Donetsk Oblast"
    country: str         # ISO-2
    aliases: tuple[str, ...]  # stems and alternative spellings (no "oblast"/"region" word needed)


def _ua(num: str, name: str, *aliases: str) -> Admin1:
    return Admin1(f"UA.{num}", name, "UA", aliases)


def _ru(num: str, name: str, *aliases: str) -> Admin1:
    return Admin1(f"RU.{num}", name, "RU", aliases)


UKRAINE: tuple[Admin1, ...] = (
    _ua("01", "Cherkasy Oblast", "Cherkasy", "Cherkassy", "Cherkaska", "Cherkasskaya", "Черкаська", "Черкасская"),
    _ua("02", "Chernihiv Oblast", "Chernihiv", "Chernigov", "Chernihivska", "Chernigovskaya", "Чернігівська", "Черниговская"),
    _ua("03", "Chernivtsi Oblast", "Chernivtsi", "Chernovtsy", "Chernivetska", "Chernovitskaya", "Bukovina", "Чернівецька", "Черновицкая"),
    _ua("04", "Dnipropetrovsk Oblast", "Dnipropetrovsk", "Dnipropetrovs'k", "Dnepropetrovsk", "Dnipropetrovska", "Dnepropetrovskaya", "Dnipro", "Дніпропетровська", "Днепропетровская"),
    _ua("05", "Donetsk Oblast", "Donetsk", "Donets'k", "Donetska", "Donets'ka", "Donetskaya", "Донецька", "Донецкая"),
    _ua("06", "Ivano-Frankivsk Oblast", "Ivano-Frankivsk", "Ivano-Frankivs'k", "Ivano-Frankovsk", "Ivano-Frankivska", "Ивано-Франковская", "Івано-Франківська"),
    _ua("07", "Kharkiv Oblast", "Kharkiv", "Kharkov", "Kharkivska", "Kharkovskaya", "Харківська", "Харьковская"),
    _ua("08", "Kherson Oblast", "Kherson", "Khersonska", "Khersonskaya", "Херсонська", "Херсонская"),
    _ua("09", "Khmelnytskyi Oblast", "Khmelnytskyi", "Khmel'nyts'kyy", "Khmelnitsky", "Khmelnytska", "Khmelnitskaya", "Хмельницька", "Хмельницкая"),
    _ua("10", "Kirovohrad Oblast", "Kirovohrad", "Kirovograd", "Kropyvnytskyi", "Kirovohradska", "Kirovogradskaya", "Кіровоградська", "Кировоградская"),
    _ua("11", "Autonomous Republic of Crimea", "Crimea", "Krym", "Crimean", "Krim", "Krymskaya", "Крим", "Крым"),
    _ua("12", "Kyiv City", "Kyiv City", "Kiev City", "City of Kyiv", "Kyiv", "Kiev", "Київ", "Киев"),
    _ua("13", "Kyiv Oblast", "Kyiv", "Kiev", "Kyivska", "Kiyivska", "Kievskaya", "Київська", "Киевская"),
    _ua("14", "Luhansk Oblast", "Luhansk", "Luhans'k", "Lugansk", "Luhanska", "Luganskaya", "Луганська", "Луганская"),
    _ua("15", "Lviv Oblast", "Lviv", "L'viv", "Lvov", "Lvivska", "Lvovskaya", "Львівська", "Львовская"),
    _ua("16", "Mykolaiv Oblast", "Mykolaiv", "Mykolayiv", "Nikolaev", "Nikolayev", "Mykolaivska", "Nikolaevskaya", "Миколаївська", "Николаевская"),
    _ua("17", "Odesa Oblast", "Odesa", "Odessa", "Odeska", "Odesskaya", "Одеська", "Одесская"),
    _ua("18", "Poltava Oblast", "Poltava", "Poltavska", "Poltavskaya", "Полтавська", "Полтавская"),
    _ua("19", "Rivne Oblast", "Rivne", "Rovno", "Rivnenska", "Rovenskaya", "Рівненська", "Ровенская"),
    _ua("20", "Sevastopol", "Sevastopol", "Sebastopol", "Севастополь"),
    _ua("21", "Sumy Oblast", "Sumy", "Sumska", "Sumskaya", "Сумська", "Сумская"),
    _ua("22", "Ternopil Oblast", "Ternopil", "Ternopil'", "Ternopol", "Ternopilska", "Ternopolskaya", "Тернопільська", "Тернопольская"),
    _ua("23", "Vinnytsia Oblast", "Vinnytsia", "Vinnytsya", "Vinnitsa", "Vinnytska", "Vinnitskaya", "Вінницька", "Винницкая"),
    _ua("24", "Volyn Oblast", "Volyn", "Volhynia", "Volynska", "Volynskaya", "Волинська", "Волынская"),
    _ua("25", "Zakarpattia Oblast", "Zakarpattia", "Transcarpathia", "Zakarpattya", "Zakarpatska", "Zakarpatskaya", "Закарпатська", "Закарпатская"),
    _ua("26", "Zaporizhzhia Oblast", "Zaporizhzhia", "Zaporizhzhya", "Zaporizhia", "Zaporozhye", "Zaporizka", "Zaporozhskaya", "Запорізька", "Запорожская"),
    _ua("27", "Zhytomyr Oblast", "Zhytomyr", "Zhitomir", "Zhytomyrska", "Zhitomirskaya", "Житомирська", "Житомирская"),
)

RUSSIA: tuple[Admin1, ...] = (
    _ru("01", "Republic of Adygea", "Adygea", "Adygey"), _ru("03", "Altai Republic", "Gorno-Altay"),
    _ru("04", "Altai Krai", "Altai", "Altay"), _ru("05", "Amur Oblast", "Amur"),
    _ru("06", "Arkhangelsk Oblast", "Arkhangelsk", "Arkhangel'sk"), _ru("07", "Astrakhan Oblast", "Astrakhan"),
    _ru("08", "Republic of Bashkortostan", "Bashkortostan"),
    _ru("09", "Belgorod Oblast", "Belgorod", "Bilhorod", "Belgorodskaya", "Белгородская", "Бєлгородська"),
    _ru("10", "Bryansk Oblast", "Bryansk", "Briansk", "Bryanskaya", "Брянская", "Брянська"),
    _ru("11", "Republic of Buryatia", "Buryatia", "Buryat"), _ru("12", "Chechen Republic", "Chechnya"),
    _ru("13", "Chelyabinsk Oblast", "Chelyabinsk"), _ru("15", "Chukotka Autonomous Okrug", "Chukotka"),
    _ru("16", "Chuvash Republic", "Chuvashia"), _ru("17", "Republic of Dagestan", "Dagestan"),
    _ru("19", "Republic of Ingushetia", "Ingushetia"), _ru("20", "Irkutsk Oblast", "Irkutsk"),
    _ru("21", "Ivanovo Oblast", "Ivanovo"), _ru("22", "Kabardino-Balkarian Republic", "Kabardino-Balkaria"),
    _ru("23", "Kaliningrad Oblast", "Kaliningrad"), _ru("24", "Republic of Kalmykia", "Kalmykia"),
    _ru("25", "Kaluga Oblast", "Kaluga"), _ru("27", "Karachay-Cherkess Republic", "Karachay-Cherkessia"),
    _ru("28", "Republic of Karelia", "Karelia"), _ru("29", "Kemerovo Oblast", "Kemerovo", "Kuzbass"),
    _ru("30", "Khabarovsk Krai", "Khabarovsk"), _ru("31", "Republic of Khakassia", "Khakassia"),
    _ru("32", "Khanty-Mansi Autonomous Okrug", "Khanty-Mansi", "Yugra"), _ru("33", "Kirov Oblast", "Kirov"),
    _ru("34", "Komi Republic", "Komi"), _ru("37", "Kostroma Oblast", "Kostroma"),
    _ru("38", "Krasnodar Krai", "Krasnodar", "Kuban", "Krasnodarskiy", "Краснодарский"),
    _ru("40", "Kurgan Oblast", "Kurgan"), _ru("41", "Kursk Oblast", "Kursk", "Kurskaya", "Курская", "Курська"),
    _ru("42", "Leningrad Oblast", "Leningrad"), _ru("43", "Lipetsk Oblast", "Lipetsk"),
    _ru("44", "Magadan Oblast", "Magadan"), _ru("45", "Mari El Republic", "Mari El"),
    _ru("46", "Republic of Mordovia", "Mordovia"), _ru("47", "Moscow Oblast", "Moscow", "Moskovskaya", "Московская"),
    _ru("48", "Moscow", "Moscow City", "Moskva", "Москва"), _ru("49", "Murmansk Oblast", "Murmansk"),
    _ru("50", "Nenets Autonomous Okrug", "Nenets"), _ru("51", "Nizhny Novgorod Oblast", "Nizhny Novgorod", "Nizhegorod"),
    _ru("52", "Novgorod Oblast", "Novgorod"), _ru("53", "Novosibirsk Oblast", "Novosibirsk"),
    _ru("54", "Omsk Oblast", "Omsk"), _ru("55", "Orenburg Oblast", "Orenburg"),
    _ru("56", "Oryol Oblast", "Oryol", "Orel"), _ru("57", "Penza Oblast", "Penza"),
    _ru("59", "Primorsky Krai", "Primorye"), _ru("60", "Pskov Oblast", "Pskov"),
    _ru("61", "Rostov Oblast", "Rostov", "Rostovskaya", "Ростовская"), _ru("62", "Ryazan Oblast", "Ryazan"),
    _ru("63", "Sakha Republic (Yakutia)", "Sakha", "Yakutia"), _ru("64", "Sakhalin Oblast", "Sakhalin"),
    _ru("65", "Samara Oblast", "Samara"), _ru("66", "Saint Petersburg", "St. Petersburg", "St Petersburg", "Sankt-Peterburg"),
    _ru("67", "Saratov Oblast", "Saratov"), _ru("68", "Republic of North Ossetia-Alania", "North Ossetia"),
    _ru("69", "Smolensk Oblast", "Smolensk"), _ru("70", "Stavropol Krai", "Stavropol"),
    _ru("71", "Sverdlovsk Oblast", "Sverdlovsk"), _ru("72", "Tambov Oblast", "Tambov"),
    _ru("73", "Republic of Tatarstan", "Tatarstan"), _ru("75", "Tomsk Oblast", "Tomsk"),
    _ru("76", "Tula Oblast", "Tula"), _ru("77", "Tver Oblast", "Tver"), _ru("78", "Tyumen Oblast", "Tyumen"),
    _ru("79", "Tuva Republic", "Tuva", "Tyva"), _ru("80", "Udmurt Republic", "Udmurtia"),
    _ru("81", "Ulyanovsk Oblast", "Ulyanovsk"), _ru("83", "Vladimir Oblast", "Vladimir"),
    _ru("84", "Volgograd Oblast", "Volgograd"), _ru("85", "Vologda Oblast", "Vologda"),
    _ru("86", "Voronezh Oblast", "Voronezh", "Voronezhskaya", "Воронежская"), _ru("87", "Yamalo-Nenets Autonomous Okrug", "Yamal"),
    _ru("88", "Yaroslavl Oblast", "Yaroslavl"), _ru("89", "Jewish Autonomous Oblast", "Jewish", "Yevrey"),
    _ru("90", "Perm Krai", "Perm"), _ru("91", "Krasnoyarsk Krai", "Krasnoyarsk"),
    _ru("92", "Kamchatka Krai", "Kamchatka"), _ru("93", "Zabaykalsky Krai", "Zabaykalsky", "Chita"),
)

ALL: tuple[Admin1, ...] = UKRAINE + RUSSIA
BY_CODE: dict[str, Admin1] = {a.code: a for a in ALL}
BY_NAME: dict[str, Admin1] = {a.name: a for a in ALL}


def name_of(code: str) -> str:
    """Official English name for a GeoNames admin1 code; '' when unknown (e.g. other countries)."""
    a = BY_CODE.get(code)
    return a.name if a else ""
