package dev.sluice.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * Encrypts secrets at rest with AES-256-GCM. The output is {@code v1:} + base64(nonce || ciphertext || tag);
 * the version prefix leaves room for key rotation.
 */
public final class SecretBox
{
    private static final String VERSION = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(byte[] key)
    {
        if (key.length != 32) {
            throw new IllegalArgumentException("encryption key must be 32 bytes (base64 of 32 random bytes), got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** Creates a box from a base64-encoded 32-byte key. */
    public static SecretBox fromBase64Key(String base64Key)
    {
        requireNonNull(base64Key, "base64Key is null");
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64Key.trim());
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("encryption key is not valid base64", e);
        }
        return new SecretBox(decoded);
    }

    public static String generateKey()
    {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String encrypt(String plaintext)
    {
        requireNonNull(plaintext, "plaintext is null");
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return VERSION + Base64.getEncoder().encodeToString(out);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String ciphertext)
    {
        requireNonNull(ciphertext, "ciphertext is null");
        if (!ciphertext.startsWith(VERSION)) {
            throw new IllegalArgumentException("unknown secret format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(ciphertext.substring(VERSION.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed: wrong encryption key or corrupted secret", e);
        }
    }
}
