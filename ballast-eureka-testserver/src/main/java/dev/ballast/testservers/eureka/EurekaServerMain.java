package dev.ballast.testservers.eureka;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * A Eureka server of Spring Cloud Netflix, nothing more: the tests start one JVM per member with
 * its port and import the peer list file Ballast renders (its {@code
 * eureka.client.service-url.defaultZone}) through {@code --spring.config.import}.
 */
@SpringBootApplication
@EnableEurekaServer
public class EurekaServerMain {
  public static void main(String[] args) {
    SpringApplication.run(EurekaServerMain.class, args);
  }
}
