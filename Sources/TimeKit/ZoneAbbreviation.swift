import Foundation

/// Time zone abbreviations as people write them (`CST` for China, `MSK` for Moscow).
///
/// Foundation on Linux takes abbreviations from ICU, which for most locales gives `GMT+8`
/// rather than the tz database's `CST`; reading the tz files ourselves would be I/O. So the
/// common zones are listed here, and any other zone falls back to Foundation (`GMT+5:30`).
public enum ZoneAbbreviation {
    /// The abbreviation of `zone`, requested as `identifier`, at `date`; daylight-saving aware.
    public static func abbreviation(of zone: TimeZone, named identifier: String, at date: Date) -> String {
        if let names = table[identifier] ?? table[zone.identifier] {
            return zone.isDaylightSavingTime(for: date) ? names.daylight : names.standard
        }
        return zone.abbreviation(for: date) ?? zone.identifier
    }

    private typealias Names = (standard: String, daylight: String)

    private static func zones(
        _ identifiers: [String], _ standard: String, _ daylight: String? = nil
    ) -> [(String, Names)] {
        identifiers.map { ($0, (standard, daylight ?? standard)) }
    }

    private static let table: [String: Names] = Dictionary(
        uniqueKeysWithValues: [
            zones(["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"], "UTC"),
            zones(["GMT", "Etc/GMT", "Greenwich", "Etc/Greenwich"], "GMT"),
            zones(
                ["Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC", "Asia/Taipei", "ROC"],
                "CST", "CDT"),
            zones(["Asia/Macau", "Asia/Macao"], "CST", "CDT"),
            zones(["Asia/Hong_Kong", "Hongkong"], "HKT", "HKST"),
            zones(["Asia/Tokyo", "Japan"], "JST", "JDT"),
            zones(["Asia/Seoul", "ROK"], "KST", "KDT"),
            zones(["Asia/Kolkata", "Asia/Calcutta"], "IST"),
            zones(["Asia/Karachi"], "PKT", "PKST"),
            zones(["Asia/Jakarta"], "WIB"),
            zones(["Asia/Jerusalem", "Asia/Tel_Aviv", "Israel"], "IST", "IDT"),
            zones(["Europe/Moscow", "W-SU"], "MSK"),
            zones(["Europe/London", "GB", "Europe/Belfast"], "GMT", "BST"),
            zones(["Europe/Lisbon", "Portugal", "Atlantic/Canary"], "WET", "WEST"),
            zones(
                [
                    "Europe/Berlin", "Europe/Paris", "Europe/Amsterdam", "Europe/Brussels", "Europe/Madrid",
                    "Europe/Rome", "Europe/Vienna", "Europe/Zurich", "Europe/Stockholm", "Europe/Oslo",
                    "Europe/Copenhagen", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest", "Europe/Luxembourg",
                    "Europe/Belgrade", "CET",
                ], "CET", "CEST"),
            zones(
                [
                    "Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Kiev", "Europe/Bucharest",
                    "Europe/Sofia", "Europe/Riga", "Europe/Tallinn", "Europe/Vilnius", "Africa/Cairo", "EET",
                ], "EET", "EEST"),
            zones(["America/New_York", "America/Toronto", "America/Detroit", "US/Eastern", "EST5EDT"], "EST", "EDT"),
            zones(["America/Chicago", "America/Winnipeg", "US/Central", "CST6CDT"], "CST", "CDT"),
            zones(["America/Denver", "America/Edmonton", "US/Mountain", "MST7MDT"], "MST", "MDT"),
            zones(["America/Phoenix", "US/Arizona"], "MST"),
            zones(["America/Los_Angeles", "America/Vancouver", "US/Pacific", "PST8PDT"], "PST", "PDT"),
            zones(["America/Anchorage", "US/Alaska"], "AKST", "AKDT"),
            zones(["Pacific/Honolulu", "US/Hawaii"], "HST"),
            zones(
                ["Australia/Sydney", "Australia/Melbourne", "Australia/Canberra", "Australia/Hobart"], "AEST", "AEDT"),
            zones(["Australia/Brisbane"], "AEST"),
            zones(["Australia/Adelaide"], "ACST", "ACDT"),
            zones(["Australia/Perth"], "AWST"),
            zones(["Pacific/Auckland", "NZ"], "NZST", "NZDT"),
            zones(["Africa/Johannesburg"], "SAST"),
            zones(["Africa/Lagos"], "WAT"),
            zones(["Africa/Nairobi"], "EAT"),
        ].joined())
}
