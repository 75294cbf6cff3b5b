package dev.crier.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathPatternTest {

  @Test
  void aPatternMatchesItsPathAndWhatLiesBelowItSegmentWise() {
    PathPattern p = PathPattern.of("//noah/application/");
    assertThat(p.text()).isEqualTo("//noah/application");
    assertThat(p.matches("//noah/application")).isTrue();
    assertThat(p.matches("//noah/application/")).isTrue();
    assertThat(p.matches("//noah/application/my_app")).isTrue();
    assertThat(p.matches("//noah/application/my_app/deeper")).isTrue();
    assertThat(p.matches("//noah/applications2")).isFalse();
    assertThat(p.matches("//noah")).isFalse();
    assertThat(p.matches("/x//noah/application")).isFalse();
    assertThat(p.matches(null)).isFalse();
    assertThat(PathPattern.of("/").matches("/anything/at/all")).isTrue();
  }

  @Test
  void theCandidatesOfAPathAreExactlyThePatternsThatMatchIt() {
    assertThat(PathPattern.candidates("//noah/application/my_app"))
        .containsExactly("//noah/application/my_app", "//noah/application", "//noah", "/");
    assertThat(PathPattern.candidates("/projects/37396/timer/"))
        .containsExactly("/projects/37396/timer", "/projects/37396", "/projects", "/");
    assertThat(PathPattern.candidates("/")).containsExactly("/");
    for (String candidate : PathPattern.candidates("//noah/application/my_app")) {
      assertThat(PathPattern.of(candidate).matches("//noah/application/my_app")).as(candidate).isTrue();
    }
  }

  @Test
  void containsMeansStrictlyAbove() {
    PathPattern app = PathPattern.of("//noah/application");
    assertThat(app.contains(PathPattern.of("//noah/application/foo"))).isTrue();
    assertThat(app.contains(app)).isFalse();
    assertThat(app.contains(PathPattern.of("//noah/applications"))).isFalse();
    assertThat(PathPattern.of("//noah/application/foo").contains(app)).isFalse();
  }

  @Test
  void aPatternStartsWithASlashAndIsAtMost1024Characters() {
    assertThat(PathPattern.problem("//noah/host")).isEmpty();
    assertThat(PathPattern.problem("noah/host")).isPresent();
    assertThat(PathPattern.problem("")).isPresent();
    assertThat(PathPattern.problem("/" + "x".repeat(1024))).isPresent();
  }
}
