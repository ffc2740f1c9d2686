package dev.llmworkbench.client;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * Builds the {@link OkHttpClient}s of the wire client: HTTP/1.1 only (no h2c upgrade, on which local
 * servers such as LM Studio and vLLM hang), the profile's proxy and extra CA certificate.
 *
 * <p>Timeouts: the connect timeout is OkHttp's; the read timeout is set to the larger of the
 * first-byte and idle timeouts as a backstop only, because {@link OpenAiClient} enforces first-byte,
 * idle and total timeouts itself, per call (a zero in either means no read timeout).
 */
public final class HttpClients {
    private HttpClients() {
    }

    public static OkHttpClient create(ProviderProfile profile, Timeouts t) {
        return create(profile, t, null);
    }

    /**
     * Like {@link #create(ProviderProfile, Timeouts)}, but derived from {@code base} (via
     * {@code newBuilder()}), so that the connection pool and dispatcher are shared. {@code base} may be null.
     */
    public static OkHttpClient create(ProviderProfile profile, Timeouts t, OkHttpClient base) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(t, "timeouts");
        OkHttpClient.Builder b = base == null ? new OkHttpClient.Builder() : base.newBuilder();
        b.protocols(List.of(Protocol.HTTP_1_1));
        b.connectTimeout(t.connect());
        b.readTimeout(backstopReadTimeout(t));
        b.callTimeout(Duration.ZERO);
        b.retryOnConnectionFailure(true);
        if (profile.proxy() != null && !profile.proxy().isBlank()) {
            b.proxy(parseProxy(profile.proxy()));
        }
        if (profile.caCertPath() != null && !profile.caCertPath().isBlank()) {
            try {
                X509TrustManager tm = trustManagerWithExtraCa(Path.of(profile.caCertPath()));
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {tm}, null);
                b.sslSocketFactory(ctx.getSocketFactory(), tm);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use the CA certificate " + profile.caCertPath() + ": "
                        + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static Duration backstopReadTimeout(Timeouts t) {
        if (t.firstByte().isZero() || t.idle().isZero()) {
            return Duration.ZERO;
        }
        return t.firstByte().compareTo(t.idle()) >= 0 ? t.firstByte() : t.idle();
    }

    /** {@code host:port} (an {@code http://} prefix is tolerated) → an HTTP proxy. */
    static Proxy parseProxy(String spec) {
        String s = spec.trim();
        if (s.startsWith("http://")) {
            s = s.substring("http://".length());
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("a proxy must be host:port, was '" + spec + "'");
        }
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a proxy must be host:port, was '" + spec + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port out of range: '" + spec + "'");
        }
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    /** The JDK's default trusted CAs plus every certificate of the PEM file. */
    static X509TrustManager trustManagerWithExtraCa(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> extra;
        try (InputStream in = Files.newInputStream(pem)) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (extra.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : defaultTrustManager().getAcceptedIssuers()) {
            ks.setCertificateEntry("default-" + i++, c);
        }
        int j = 0;
        for (Certificate c : extra) {
            ks.setCertificateEntry("extra-" + j++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return firstX509(tmf);
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return firstX509(tmf);
    }

    private static X509TrustManager firstX509(TrustManagerFactory tmf) throws GeneralSecurityException {
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }
}
