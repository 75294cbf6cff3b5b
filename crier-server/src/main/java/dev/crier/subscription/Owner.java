package dev.crier.subscription;

/**
 * Who made a subscription when it was not the admin: the app token it was made with, that
 * token's app, and the account the token belongs to. Such a subscription hears only events of
 * that account, is visible only to that token, and is deleted when the token is revoked.
 */
public record Owner(String token, String app, String account) {}
