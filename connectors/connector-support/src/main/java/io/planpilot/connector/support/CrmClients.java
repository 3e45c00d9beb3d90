package io.planpilot.connector.support;

import feign.Client;
import feign.Feign;
import feign.FeignException;
import feign.MethodMetadata;
import feign.Request;
import feign.RequestInterceptor;
import feign.Response;
import feign.RetryableException;
import feign.Retryer;
import feign.Util;
import feign.codec.DecodeException;
import feign.codec.EncodeException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds a connection's OpenFeign client (feign-core, no Spring): one per connection, since each
 * has its own URL and token. Calls block; the app makes them from worker threads. Every failure
 * comes out as a {@link CrmCallException}: error answers through the connector's
 * {@link CrmErrorClassifier}, I/O errors (refused connection, timeout, reset) as
 * {@link CrmUnavailableException}, unreadable JSON as {@link CrmResponseException}. Feign itself
 * never retries: wrap each call in {@link CrmResilience#call}.
 */
public final class CrmClients {

    private CrmClients() {
    }

    /**
     * A Feign client of {@code api} at {@code baseUrl}, with the policy's timeouts and a Jackson 3
     * codec; {@code auth} adds the CRM's credentials to each request.
     */
    public static <T> T feign(Class<T> api, String baseUrl, String connectorType, CrmHttpPolicy policy,
                              CrmErrorClassifier classifier, RequestInterceptor... auth) {
        JacksonCodec codec = new JacksonCodec(connectorType);
        return feign(api, baseUrl, connectorType, policy, classifier, codec, auth);
    }

    /** As above, with a codec of the connector's own (another mapper). */
    public static <T> T feign(Class<T> api, String baseUrl, String connectorType, CrmHttpPolicy policy,
                              CrmErrorClassifier classifier, JacksonCodec codec, RequestInterceptor... auth) {
        return feign(api, baseUrl, connectorType, policy, classifier, codec, (status, headers) -> { }, auth);
    }

    /**
     * As above, with {@code answers} told the status and headers of every answer before it is decoded
     * (errors included): for CRMs that announce their remaining quota in headers (HubSpot's
     * {@code X-HubSpot-RateLimit-*}), so the connector can slow down before it is refused.
     */
    public static <T> T feign(Class<T> api, String baseUrl, String connectorType, CrmHttpPolicy policy,
                              CrmErrorClassifier classifier, JacksonCodec codec,
                              java.util.function.BiConsumer<Integer, java.util.Map<String, java.util.Collection<String>>> answers,
                              RequestInterceptor... auth) {
        java.util.Objects.requireNonNull(answers, "answers");
        T client = Feign.builder()
                // not streaming the request body: the JDK drops the body of a 401 answer to a streamed request,
                // and CRMs name the reason (expired token, missing scope) only there
                .client(new IoErrorsAsUnavailable(new Client.Default(null, null, false), connectorType, answers))
                .encoder(codec)
                .decoder(codec)
                .errorDecoder((methodKey, response) -> classify(classifier, response))
                .options(new Request.Options(policy.timeouts().connect(), policy.timeouts().read(), false))
                .retryer(Retryer.NEVER_RETRY)
                .requestInterceptor(template -> template.header("Accept", "application/json"))
                .requestInterceptors(Arrays.asList(auth))
                .target(api, stripSlash(baseUrl));
        return unwrapping(api, client, connectorType);
    }

    /** The CRM's name of the call a request makes: its {@link CrmEndpoint}, else {@code METHOD /path/template}. */
    public static String endpointOf(Request request) {
        if (request == null) {
            return "?";
        }
        MethodMetadata metadata = request.requestTemplate() == null ? null : request.requestTemplate().methodMetadata();
        if (metadata != null) {
            Method method = metadata.method();
            CrmEndpoint named = method == null ? null : method.getAnnotation(CrmEndpoint.class);
            if (named != null) {
                return named.value();
            }
            String path = metadata.template().path();
            return metadata.template().method() + " " + (path == null || path.isEmpty() ? "/" : path);
        }
        String url = request.url();
        int query = url.indexOf('?');
        return request.httpMethod() + " " + java.net.URI.create(query < 0 ? url : url.substring(0, query)).getPath();
    }

    private static Exception classify(CrmErrorClassifier classifier, Response response) {
        String body = "";
        if (response.body() != null) {
            try (InputStream in = response.body().asInputStream()) {
                body = new String(Util.toByteArray(in), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
        }
        return classifier.classify(endpointOf(response.request()), response.status(), response.headers(), body);
    }

    private static String stripSlash(String baseUrl) {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Feign's HTTP client with I/O failures turned into {@link CrmUnavailableException}. */
    private record IoErrorsAsUnavailable(Client delegate, String connectorType,
                                         java.util.function.BiConsumer<Integer, java.util.Map<String, java.util.Collection<String>>> answers)
            implements Client {
        @Override
        public Response execute(Request request, Request.Options options) {
            try {
                Response response = delegate.execute(request, options);
                answers.accept(response.status(), response.headers());
                return response;
            } catch (IOException e) {
                throw unavailable(connectorType, endpointOf(request), e);
            }
        }
    }

    static CrmUnavailableException unavailable(String connectorType, String endpoint, Throwable e) {
        String what;
        if (e instanceof SocketTimeoutException) {
            what = e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect")
                    ? "the CRM did not accept the connection in time (connect timeout)"
                    : "the CRM did not answer in time (read timeout)";
        } else if (e instanceof ConnectException) {
            what = "the CRM refused the connection (" + e.getMessage() + ")";
        } else if (e instanceof UnknownHostException) {
            what = "unknown host " + e.getMessage() + "; check the connection's base URL";
        } else {
            what = "the connection to the CRM broke (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
        return new CrmUnavailableException(connectorType, endpoint, what, e);
    }

    /** Passes CRM exceptions out of Feign's wrappers (DecodeException, RetryableException). */
    @SuppressWarnings("unchecked")
    private static <T> T unwrapping(Class<T> api, T client, String connectorType) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> connectorType + " client " + api.getSimpleName();
                    default -> method.invoke(client, args);
                };
            }
            try {
                return method.invoke(client, args);
            } catch (InvocationTargetException e) {
                throw unwrap(e.getCause(), connectorType);
            }
        };
        return (T) Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[]{api}, handler);
    }

    private static Throwable unwrap(Throwable error, String connectorType) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CrmCallException crm) {
                return crm;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (error instanceof RetryableException retryable) {
            return unavailable(connectorType, endpointOf(retryable.request()),
                    retryable.getCause() == null ? retryable : retryable.getCause());
        }
        if (error instanceof DecodeException || error instanceof EncodeException) {
            FeignException feign = (FeignException) error;
            return new CrmResponseException(connectorType, feign.request() == null ? "?" : endpointOf(feign.request()),
                    null, feign.getMessage(), feign);
        }
        return error;
    }

    /** Sends {@code Authorization: Bearer <token>} with each request. */
    public static RequestInterceptor bearer(String token) {
        return template -> template.header("Authorization", "Bearer " + token);
    }
}
