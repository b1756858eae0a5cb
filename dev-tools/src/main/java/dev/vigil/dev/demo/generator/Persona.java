package dev.vigil.dev.demo.generator;

import java.time.ZoneId;

/**
 * A human of the benign population, as the generator sees it.
 *
 * @param subjectId user principal name
 * @param role engineer, sales, finance, hr or admin
 * @param homeCity city the user normally signs in from
 * @param country ISO 3166-1 alpha-2 code of the home city
 * @param zone time zone of the home city
 * @param workStartHour local hour the working day usually starts
 * @param workEndHour local hour the working day usually ends (exclusive)
 * @param laptopDeviceId the primary device
 * @param phoneDeviceId the phone, or {@code null} if the user has none
 * @param profile how the person works: {@code office}, {@code vpn} (corporate VPN, egress
 *     alternates between the gateway and home), {@code traveller} (frequent flights, hotel
 *     networks, VPN, in-flight Wi-Fi), {@code relay} (iCloud Private Relay), {@code sparse} (long
 *     SSO sessions, a few sign-ins a week)
 */
public record Persona(
    String subjectId,
    String role,
    String homeCity,
    String country,
    ZoneId zone,
    int workStartHour,
    int workEndHour,
    String laptopDeviceId,
    String phoneDeviceId,
    String profile) {}
