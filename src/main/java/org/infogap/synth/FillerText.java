package org.infogap.synth;

import java.util.Random;

/**
 * Sentences about something else entirely: news-like (BBC style, British spelling, abbreviations, quotes and
 * decimals that the sentence splitter must survive) or encyclopaedic (Wiki style). They never use a word that
 * describes a scene, whatever the scene shows, so both corpora's texts share them.
 */
final class FillerText {

    private static final String[] NAMES = {"Smith", "Jones", "Taylor", "Evans", "Wilson", "Johnson", "Walker",
        "Wright", "Thompson", "Hughes", "Edwards", "Clarke", "Hall", "Harris", "Lewis", "Robinson"};
    private static final String[] CITIES = {"London", "Manchester", "Leeds", "Glasgow", "Cardiff", "Bristol",
        "Paris", "Berlin", "Madrid", "Rome", "Boston", "Chicago", "Denver", "Toronto", "Dublin", "Oslo"};
    private static final String[] TOPICS = {"transport", "housing", "education", "health", "pensions", "tax",
        "energy", "farming", "tourism", "policing", "water", "broadband"};
    private static final String[] ORGS = {"council", "ministry", "committee", "union", "company", "bank",
        "charity", "regulator", "party", "board"};
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] COUNTRIES = {"England", "Scotland", "France", "Germany", "Spain", "Italy",
        "Canada", "Norway", "Ireland", "Portugal"};
    private static final String[] PRODUCTS = {"wine", "cheese", "wool", "timber", "coal", "fish", "glass",
        "pottery"};

    private final TextComposer.Style style;
    private final Random random;

    FillerText(TextComposer.Style style, Random random) {
        this.style = style;
        this.random = random;
    }

    String sentence() {
        return style == TextComposer.Style.NEWS ? newsFiller() : encyclopediaFiller();
    }

    private String newsFiller() {
        String name = pick(NAMES);
        String city = pick(CITIES);
        String topic = pick(TOPICS);
        String org = pick(ORGS);
        return switch (random.nextInt(14)) {
            case 0 -> "The " + org + " announced new plans for " + topic + " on " + pick(DAYS) + ".";
            case 1 -> "Mr. " + name + " said the " + org + " would review its " + topic + " policy next month.";
            case 2 -> "The U.K. government spent \u00a3" + (2 + random.nextInt(90)) + "." + random.nextInt(10)
                    + "m on its " + topic + " programme last year.";
            case 3 -> "Officials at No. 10 refused to comment on the " + topic + " report.";
            case 4 -> "Dr. " + (char) ('A' + random.nextInt(26)) + ". " + name + ", who speaks for the " + org
                    + ", said: \"We will analyse the figures carefully.\"";
            case 5 -> "Unemployment rose by " + random.nextInt(5) + "." + (1 + random.nextInt(9)) + " per cent in "
                    + pick(MONTHS) + ", according to the latest figures.";
            case 6 -> "The " + org + " has organised talks with its neighbours in the U.S. next week.";
            case 7 -> "Labour's defence spokesman travelled to " + city + " on " + pick(DAYS) + ".";
            case 8 -> "Critics said the decision would favour major companies over local " + topic + " groups.";
            case 9 -> "The theatre in " + city + " will reopen after a \u00a3" + (1 + random.nextInt(20))
                    + "m renovation.";
            case 10 -> "Prof. " + name + " told the BBC that the " + topic + " results were encouraging.";
            case 11 -> "Police said a " + (18 + random.nextInt(60)) + "-year-old man had been arrested in " + city + ".";
            case 12 -> "Mrs. " + name + " of the " + org + " said the " + topic + " figures would be published on "
                    + pick(DAYS) + ".";
            default -> "Ministers have realised that the " + topic + " budget in " + city + " is under pressure.";
        };
    }

    private String encyclopediaFiller() {
        String name = pick(NAMES);
        String city = pick(CITIES);
        int year = 1700 + random.nextInt(300);
        return switch (random.nextInt(10)) {
            case 0 -> city + " is a city in " + pick(COUNTRIES) + ".";
            case 1 -> "It was founded in " + year + " by " + name + ".";
            case 2 -> "The population was " + (5 + random.nextInt(900)) + ",000 in " + year + ".";
            case 3 -> "The " + pick(ORGS) + " was organized in " + year + ".";
            case 4 -> "Many people visit the theater and the museum every year.";
            case 5 -> "The region is known for its " + pick(PRODUCTS) + ".";
            case 6 -> "In " + year + ", the town became the heart of the " + pick(PRODUCTS) + " trade.";
            case 7 -> "St. " + name + "'s church was built in the " + (12 + random.nextInt(8)) + "th century.";
            case 8 -> "The river is about " + (10 + random.nextInt(400)) + " km long.";
            default -> "The favorite local dish is made from " + pick(PRODUCTS) + " and bread.";
        };
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }
}
