package run.alchemy.engine.internal.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Alchemy's secret formats for one password (spec §5): v1 (scrypt N=16384 r=8 p=1 → AES-256-GCM)
 * both ways, and the legacy libsodium secretbox (BLAKE2b-256 key, XSalsa20-Poly1305) for reading.
 *
 * <p>Derived keys are cached by password digest and salt, for the whole process. New encryptions
 * reuse one random salt (and so one scrypt) per password and process, with a fresh IV per value:
 * Alchemy derives the key from each value's stored salt, so it still decrypts them.
 */
public final class SecretCodec {
    private static final int SCRYPT_N = 16384;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;
    private static final int KEY_BYTES = 32;
    private static final int SALT_BYTES = 16;
    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;

    private final byte[] password; // null: no password configured
    private final boolean erase;
    private final SecureRandom random = new SecureRandom();
    /**
     * Derived keys, shared by every codec of the process (scrypt costs ~50 ms, and a process that
     * opens many apps, or one app many times, must pay it once per password and salt). Keyed by
     * a digest of the password and the salt, so another password never hits; the one static
     * cache of the engine, and deliberate.
     */
    private static final Cache<String, byte[]> KEYS = Caffeine.newBuilder().maximumSize(8192).build();
    /** One sealing salt and key per password and process, for the same reason. */
    private static final Cache<String, SealingKey> SEALING = Caffeine.newBuilder().maximumSize(256).build();
    private final String passwordDigest;
    private final Cache<String, Opened> openedByEnvelope = Caffeine.newBuilder().maximumSize(65_536).build();
    /** Cipher.getInstance costs more than sealing a short value; a Cipher is not thread-safe, so one per thread. */
    private final ThreadLocal<Cipher> gcm = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JDK", e);
        }
    });

    private record SealingKey(byte[] salt, byte[] key) {
    }

    public SecretCodec(String password) {
        this(password, false);
    }

    /**
     * @param erase Alchemy's {@code eraseSecrets}: stored secrets are not decrypted but dropped, so
     *              their keys vanish from props and outputs on the next write
     */
    public SecretCodec(String password, boolean erase) {
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        this.erase = erase;
        this.passwordDigest = this.password == null ? null : digest(this.password);
    }

    private static String digest(byte[] password) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean hasPassword() {
        return password != null;
    }

    public boolean erases() {
        return erase;
    }

    /** The {@code @secret} value for a plaintext: a v1 object, wrapped in {@code data} for JSON values. */
    public JsonNode seal(String plaintext, boolean jsonValued) throws SecretFailure {
        requirePassword("encrypt");
        SealingKey sk = sealingKey();
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed;
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = gcm.get();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sk.key(), "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            sealed = cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new SecretFailure("AES-GCM encryption failed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        ObjectNode v1 = JsonNodeFactory.instance.objectNode();
        v1.put("version", "v1");
        v1.put("ciphertext", b64.encodeToString(Arrays.copyOf(sealed, sealed.length - TAG_BYTES)));
        v1.put("iv", b64.encodeToString(iv));
        v1.put("salt", b64.encodeToString(sk.salt()));
        v1.put("tag", b64.encodeToString(Arrays.copyOfRange(sealed, sealed.length - TAG_BYTES, sealed.length)));
        if (!jsonValued) {
            return v1;
        }
        ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
        wrapper.set("data", v1);
        return wrapper;
    }

    /** Opened secret: the plaintext, and whether it is JSON text from a {@code data} envelope. */
    public record Opened(String plaintext, boolean jsonValued, boolean legacy) {
        @Override
        public String toString() {
            return "Opened(******)";
        }
    }

    /**
     * Decrypts the value of an {@code @secret} key, choosing the format by its JSON type. Results
     * are cached by envelope: a redeploy that reads the same ciphertext again pays no crypto.
     */
    public Opened open(JsonNode envelope) throws SecretFailure {
        requirePassword("decrypt");
        String cacheKey = envelope.toString();
        Opened cached = openedByEnvelope.getIfPresent(cacheKey);
        if (cached != null) {
            return cached;
        }
        Opened opened = openUncached(envelope);
        openedByEnvelope.put(cacheKey, opened);
        return opened;
    }

    private Opened openUncached(JsonNode envelope) throws SecretFailure {
        if (envelope.isObject() && envelope.has("data")) {
            JsonNode data = envelope.get("data");
            return new Opened(openOne(data), true, data.isTextual());
        }
        return new Opened(openOne(envelope), false, envelope.isTextual());
    }

    private String openOne(JsonNode envelope) throws SecretFailure {
        if (envelope.isTextual()) {
            return openLegacy(envelope.textValue());
        }
        if (envelope.isObject()) {
            return openV1(envelope);
        }
        throw new SecretFailure("not a secret envelope (expected a v1 object or a legacy base64 string)");
    }

    private String openV1(JsonNode v1) throws SecretFailure {
        byte[] ciphertext = field(v1, "ciphertext");
        byte[] iv = field(v1, "iv");
        byte[] salt = field(v1, "salt");
        byte[] tag = field(v1, "tag");
        if (tag.length != TAG_BYTES) {
            throw new SecretFailure("v1 tag is " + tag.length + " bytes, expected " + TAG_BYTES);
        }
        if (iv.length == 0) {
            throw new SecretFailure("v1 iv is empty");
        }
        byte[] key = keyFor(salt);
        try {
            Cipher cipher = gcm.get();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + TAG_BYTES);
            System.arraycopy(tag, 0, sealed, ciphertext.length, TAG_BYTES);
            byte[] plain = cipher.doFinal(sealed);
            try {
                return new String(plain, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw new SecretFailure("wrong password or tampered ciphertext (AES-GCM authentication failed)");
        } catch (GeneralSecurityException e) {
            throw new SecretFailure("AES-GCM decryption failed: " + e.getClass().getSimpleName());
        }
    }

    private String openLegacy(String text) throws SecretFailure {
        byte[] box;
        try {
            box = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SecretFailure("legacy secret is not valid base64");
        }
        if (box.length < 24 + 16) {
            throw new SecretFailure("legacy secret is too short (" + box.length + " bytes)");
        }
        byte[] plain = Secretbox.open(password, box);
        if (plain == null) {
            throw new SecretFailure("wrong password or tampered ciphertext (legacy secretbox MAC check failed)");
        }
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static byte[] field(JsonNode v1, String name) throws SecretFailure {
        JsonNode f = v1.get(name);
        if (f == null || !f.isTextual()) {
            throw new SecretFailure("v1 secret has no string field \"" + name + "\"");
        }
        try {
            return Base64.getDecoder().decode(f.textValue());
        } catch (IllegalArgumentException e) {
            throw new SecretFailure("v1 field \"" + name + "\" is not valid base64");
        }
    }

    /** Forgets every derived key of the process, so that the next operations pay scrypt again (for benchmarks). */
    public static void forgetDerivedKeys() {
        KEYS.invalidateAll();
        SEALING.invalidateAll();
    }

    private byte[] keyFor(byte[] salt) {
        return KEYS.get(passwordDigest + ":" + Base64.getEncoder().encodeToString(salt),
                s -> SCrypt.generate(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES));
    }

    private SealingKey sealingKey() {
        return SEALING.get(passwordDigest, d -> {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            return new SealingKey(salt, keyFor(salt));
        });
    }

    private void requirePassword(String what) throws SecretFailure {
        if (password == null) {
            throw new SecretFailure("cannot " + what + " without a password: set ALCHEMY_PASSWORD or call"
                    + " password(...) on the app builder");
        }
    }

    @Override
    public String toString() {
        return "SecretCodec(" + (erase ? "erasing" : password == null ? "no password" : "password set") + ")";
    }

    /**
     * libsodium's secretbox (BLAKE2b-256 key, XSalsa20-Poly1305) with BouncyCastle, in a class of its
     * own so that verifying SecretCodec does not load BouncyCastle: its jar is signed, and the first
     * class loaded from it costs a signature check of the jar (a few hundred milliseconds of startup).
     */
    private static final class Secretbox {
        /** The plaintext, or null when the MAC does not match. */
        static byte[] open(byte[] password, byte[] box) {
            byte[] key = new byte[32];
            try {
                Blake2bDigest blake = new Blake2bDigest(256);
                blake.update(password, 0, password.length);
                blake.doFinal(key, 0);
                XSalsa20Engine salsa = new XSalsa20Engine();
                salsa.init(false, new ParametersWithIV(new KeyParameter(key), box, 0, 24));
                byte[] polyKey = new byte[32];
                salsa.processBytes(new byte[32], 0, 32, polyKey, 0);
                int ctOffset = 24 + 16;
                int ctLength = box.length - ctOffset;
                Poly1305 poly = new Poly1305();
                poly.init(new KeyParameter(polyKey));
                poly.update(box, ctOffset, ctLength);
                byte[] mac = new byte[16];
                poly.doFinal(mac, 0);
                if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(box, 24, 40))) {
                    return null;
                }
                byte[] plain = new byte[ctLength];
                salsa.processBytes(box, ctOffset, ctLength, plain, 0);
                return plain;
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
    }
}
